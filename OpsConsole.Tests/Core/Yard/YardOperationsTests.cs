using System.Text.Json.Nodes;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using OpsConsole.Core.Shared.Auditing;
using OpsConsole.Core.Shared.Results;
using OpsConsole.Core.Shared.Upstreams;
using OpsConsole.Core.Yard;
using OpsConsole.Tests.TestSupport;

namespace OpsConsole.Tests.Core.Yard;

/// <summary>
/// Every yard request is checked in Core, before anything is read or changed (no yard system is reachable here: a
/// request that got past its checks would fail as unavailable, not as invalid).
/// </summary>
public sealed class YardOperationsTests : IAsyncLifetime
{
    private static readonly Actor Admin = new("admin", ["admin"]);
    private CoreHost _host = default!;

    private YardOperations Operations => _host.Get<YardOperations>();

    public async ValueTask InitializeAsync() => _host = await CoreHost.StartAsync(
        settings: new Dictionary<string, string?> { ["Resilience:MaxRetryAttempts"] = "1", ["Resilience:BaseDelayMilliseconds"] = "1" },
        services: s => s.AddSingleton<IUpstreamAddresses, Nowhere>());

    public ValueTask DisposeAsync() => _host.DisposeAsync();

    [Theory]
    [InlineData(0, null, null, "interval_seconds")]
    [InlineData(3601, null, null, "interval_seconds")]
    [InlineData(null, -1, null, "deletion_cap")]
    [InlineData(null, 10_001, null, "deletion_cap")]
    [InlineData(null, null, 0, "stale_task_hours")]
    [InlineData(null, null, 721, "stale_task_hours")]
    public async Task UpdateSettings_OutOfRange_IsRefusedNamingTheField(int? interval, int? cap, int? staleHours, string field)
    {
        var result = await Operations.UpdateSettingsAsync(Admin, new YardSettingsInput(interval, DeletionCap: cap, StaleTaskHours: staleHours));

        result.Outcome.Should().Be(OpsOutcome.Invalid);
        result.Errors.Keys.Should().Equal(field);
    }

    [Fact]
    public async Task UpdateSettings_ChangesOnlyWhatWasSent_AuditsAPauseAsAPause_AndTellsThePoller()
    {
        (await Operations.UpdateSettingsAsync(Admin, new YardSettingsInput(IntervalSeconds: 7))).Succeeded.Should().BeTrue();
        var paused = await Operations.UpdateSettingsAsync(Admin, new YardSettingsInput(Paused: true));

        paused.Value!.Should().Match<YardSettings>(s => s.Paused && s.IntervalSeconds == 7 && s.DeletionCap == 10 && s.UpdatedBy == "admin");
        _host.Get<YardPoller>().Status.Settings.Paused.Should().BeTrue();
        await using var db = await _host.DbAsync();
        (await db.AuditEntries.Where(e => e.Module == YardModule.Name).Select(e => e.Action).ToListAsync()).Should().Equal("settings.update", "yard.pause");
    }

    [Fact]
    public async Task SetRule_AnUnknownRule_IsNotFound_AndNoSwitch_IsInvalid()
    {
        (await Operations.SetRuleAsync(Admin, "no-such-rule", enabled: false, dryRun: null)).Outcome.Should().Be(OpsOutcome.NotFound);
        (await Operations.SetRuleAsync(Admin, "stale-task", enabled: null, dryRun: null)).Errors.Keys.Should().Equal("enabled");

        var set = await Operations.SetRuleAsync(Admin, "stale-task", enabled: null, dryRun: true);
        set.Value.Should().Match<YardRuleView>(r => r.Enabled && r.DryRun);
        _host.Get<YardPoller>().RuleSetting("stale-task").DryRun.Should().BeTrue();
    }

    public static TheoryData<string, string> BadFields => new()
    {
        { """{"colour": "red"}""", "colour" },
        { """{"priority": 0}""", "priority" },
        { """{"priority": "2"}""", "priority" },
        { """{"hostler_id": ""}""", "hostler_id" },
        { """{"destination": null}""", "destination" },
        { """{"origin": "   "}""", "origin" },
        { $$"""{"notes": "{{new string('n', YardOperations.MaxNotesLength + 1)}}"}""", "notes" },
        { """{}""", "body" },
    };

    [Theory]
    [MemberData(nameof(BadFields))]
    public async Task PatchTask_ABadField_IsRefusedNamingIt_BeforeTheYardSystemIsAsked(string body, string field)
    {
        var result = await Operations.PatchTaskAsync(Admin, "T1", JsonNode.Parse(body)!.AsObject());

        result.Outcome.Should().Be(OpsOutcome.Invalid);
        result.Errors.Keys.Should().Equal(field);
    }

    [Fact]
    public async Task PatchTask_GoodFields_GoToTheYardSystem()
    {
        var result = await Operations.PatchTaskAsync(Admin, "T1", JsonNode.Parse("""{"priority": 2, "hostler_id": null, "notes": null}""")!.AsObject());

        result.Outcome.Should().Be(OpsOutcome.Unavailable, "the checks passed, and nothing answers at the yard system's address");
    }

    [Theory]
    [InlineData(null)]
    [InlineData("  ")]
    public async Task DeleteTask_WithoutAReason_IsRefused(string? reason) =>
        (await Operations.DeleteTaskAsync(Admin, "T1", reason)).Errors.Keys.Should().Equal("reason");

    [Fact]
    public async Task DeleteTask_ATooLongReason_IsRefused() =>
        (await Operations.DeleteTaskAsync(Admin, "T1", new string('r', YardOperations.MaxReasonLength + 1))).Errors.Keys.Should().Equal("reason");

    [Theory]
    [InlineData("priority", "4", "4")]
    [InlineData("priority", "high", "\"high\"")]
    [InlineData("destination", " SPOT-A01 ", "\"SPOT-A01\"")]
    [InlineData("hostler_id", "", "null")]
    public void FieldFromText_ReadsAFormValueAsTheApiWouldTakeIt(string field, string text, string json) =>
        YardOperations.FieldFromText(field, text).ToJsonString().Should().Be($$"""{"{{field}}":{{json}}}""");

    /// <summary>The yard system's address is a closed port: nothing there answers.</summary>
    private sealed class Nowhere : IUpstreamAddresses
    {
        public Uri? BaseAddress(string upstream) => new("http://127.0.0.1:9/");
    }
}
