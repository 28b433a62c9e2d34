using System.Collections.Concurrent;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using OpsConsole.Core.Dispatch;
using OpsConsole.Core.Etl;
using OpsConsole.Core.Shared.Auditing;
using OpsConsole.Core.Shared.Events;
using OpsConsole.Core.Shared.Results;
using OpsConsole.Core.Shared.Settings;
using OpsConsole.Core.Shared.Upstreams;
using OpsConsole.Core.Yard;
using OpsConsole.Tests.TestSupport;

namespace OpsConsole.Tests.Core.Shared.Settings;

/// <summary>
/// The runtime settings: every module's section, checked field by field (all errors at once), audited with before and
/// after, applied at once where they are used, with configuration as the default until an admin changes a value.
/// </summary>
public sealed class RuntimeSettingsTests : IAsyncLifetime
{
    private static readonly Actor Admin = new("admin-eva", ["admin"]);
    private CoreHost _host = default!;

    private RuntimeSettings Settings => _host.Get<RuntimeSettings>();
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    public async ValueTask InitializeAsync() => _host = await CoreHost.StartAsync(
        settings: new Dictionary<string, string?> { ["Etl:AlertFailureRate"] = "0.35", ["Dispatch:AlertReadyTasks"] = "12" },
        services: s => s.AddSingleton<IUpstreamAddresses, Nowhere>());

    /// <summary>The yard poller needs an address for its upstream; nothing is polled here.</summary>
    private sealed class Nowhere : IUpstreamAddresses
    {
        public Uri? BaseAddress(string upstream) => new("http://127.0.0.1:9/");
    }

    public ValueTask DisposeAsync() => _host.DisposeAsync();

    [Fact]
    public async Task EveryModuleHasASection_WhoseDefaultsAreItsConfiguration()
    {
        Settings.Sections.Select(s => s.Module).Should().BeEquivalentTo([EtlModule.Name, DispatchModule.Name, YardModule.Name, OpsConsole.Core.Maintenance.MaintenanceModule.Name]);

        var etl = await Settings.ReadAsync(EtlModule.Name, Ct);
        var dispatch = await Settings.ReadAsync(DispatchModule.Name, Ct);

        etl.Number(EtlSettings.AlertFailurePercentKey).Should().Be(35);
        etl.IsDefault(EtlSettings.AlertFailurePercentKey).Should().BeTrue();
        dispatch.Whole(DispatchSettings.AlertReadyTasksKey).Should().Be(12);
        YardSettings.From(await Settings.ReadAsync(YardModule.Name, Ct)).IntervalSeconds.Should().Be(5);
    }

    [Fact]
    public async Task Save_WithSeveralBadValues_NamesEveryOneInWords_AndSavesNothing()
    {
        var result = await Settings.SaveAsync(Admin, YardModule.Name, new Dictionary<string, string?>
        {
            [YardSettings.IntervalKey] = "0",
            [YardSettings.DeletionCapKey] = "ten",
            [YardSettings.DryRunKey] = "maybe",
            [YardSettings.StaleTaskHoursKey] = "12",
            ["colour"] = "red",
        }, ct: Ct);

        result.Outcome.Should().Be(OpsOutcome.Invalid);
        result.Errors.Keys.Should().BeEquivalentTo([YardSettings.IntervalKey, YardSettings.DeletionCapKey, YardSettings.DryRunKey, "colour"]);
        result.Errors[YardSettings.IntervalKey].Single().Should().Be("Poll interval must be a whole number from 1 to 3600 seconds.");
        result.Errors[YardSettings.DeletionCapKey].Single().Should().Be("Deletion cap per cycle must be a whole number from 0 to 10000 tasks.");
        result.Errors[YardSettings.DryRunKey].Single().Should().Be("Dry run (every rule) must be on or off (true or false).");
        result.Errors["colour"].Single().Should().StartWith("colour is not a Yard poller setting; the settings are interval_seconds, ");
        await using var db = await _host.DbAsync();
        (await db.RuntimeSettings.CountAsync(Ct)).Should().Be(0, "the good value (stale_task_hours) waits for the bad ones to be fixed");
        (await db.AuditEntries.CountAsync(Ct)).Should().Be(0);
    }

    [Fact]
    public async Task Save_StoresWhatChanged_AuditsItsValuesBeforeAndAfter_AppliesItAtOnce_AndTellsThePages()
    {
        var changes = new ConcurrentQueue<SettingsChanged>();
        using var subscription = _host.Get<IOpsEventStream>().Subscribe<SettingsChanged>(e =>
        {
            changes.Enqueue(e);
            return Task.CompletedTask;
        });
        await _host.Get<YardPoller>().EnsureLoadedAsync(Ct);

        var result = await Settings.SaveAsync(Admin, YardModule.Name, new Dictionary<string, string?>
        {
            [YardSettings.IntervalKey] = " 12 ",
            [YardSettings.DeletionCapKey] = "10",
            [YardSettings.DryRunKey] = "True",
        }, ct: Ct);

        result.Succeeded.Should().BeTrue(result.Describe());
        result.Value!.Whole(YardSettings.IntervalKey).Should().Be(12);
        result.Value.UpdatedBy.Should().Be("admin-eva");
        result.Value.IsDefault(YardSettings.DeletionCapKey).Should().BeTrue("10 is what it was: nothing to store");
        _host.Get<YardPoller>().Status.Settings.Should().Match<YardSettings>(s => s.IntervalSeconds == 12 && s.DryRun, "the poller uses it from its next tick");
        await using var db = await _host.DbAsync();
        var audit = await db.AuditEntries.SingleAsync(Ct);
        audit.Should().Match<AuditEntry>(e => e.Action == RuntimeSettings.UpdateAction && e.Module == YardModule.Name && e.Actor == "admin-eva"
            && e.EntityType == "Settings" && e.EntityId == YardModule.Name);
        audit.Before.Should().Be("""{"interval_seconds":5,"dry_run":false}""");
        audit.After.Should().Be("""{"interval_seconds":12,"dry_run":true}""");
        await Until.TrueAsync(() => changes.Count == 1, "the settings event");
        changes.Single().Should().Match<SettingsChanged>(c => c.Module == YardModule.Name && c.By == "admin-eva"
            && c.Keys.SequenceEqual(new[] { YardSettings.IntervalKey, YardSettings.DryRunKey }));
    }

    [Fact]
    public async Task Save_TheValuesThereAlready_ChangesNothing_AndWritesNoAuditLine()
    {
        var result = await Settings.SaveAsync(Admin, EtlModule.Name, new Dictionary<string, string?>
        {
            [EtlSettings.AlertFailurePercentKey] = "35.0",
            [EtlSettings.AlertMissingDaysKey] = "3",
        }, ct: Ct);

        result.Succeeded.Should().BeTrue();
        await using var db = await _host.DbAsync();
        (await db.AuditEntries.CountAsync(Ct)).Should().Be(0);
        (await db.RuntimeSettings.CountAsync(Ct)).Should().Be(0);
    }

    [Fact]
    public async Task AStoredValue_WinsOverConfiguration_AndIsWhatTheServicesRead()
    {
        (await Settings.SaveAsync(Admin, EtlModule.Name, new Dictionary<string, string?> { [EtlSettings.AlertMissingDaysKey] = "9" }, ct: Ct))
            .Succeeded.Should().BeTrue();

        (await _host.Get<EtlOverview>().AlertConditionsAsync(Ct)).Should().Match<EtlAlertConditions>(c => c.MissingDaysThreshold == 9
            && Math.Abs(c.FailureRateThreshold - 0.35) < 1e-9);
    }

    [Fact]
    public async Task Save_AnUnknownSection_IsNotFound()
    {
        var result = await Settings.SaveAsync(Admin, "weather", new Dictionary<string, string?> { ["wind"] = "3" }, ct: Ct);

        result.Outcome.Should().Be(OpsOutcome.NotFound);
        result.Message.Should().Contain("etl").And.Contain("yard").And.Contain("dispatch");
    }
}
