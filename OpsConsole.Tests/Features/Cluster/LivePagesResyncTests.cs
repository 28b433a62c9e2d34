using Bunit;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;
using OpsConsole.Components.Shared;
using OpsConsole.Core.Shared.Auditing;
using OpsConsole.Core.Shared.Events;
using OpsConsole.Core.Shared.Identity;
using OpsConsole.Core.Shared.Modules;
using OpsConsole.Core.Shared.Settings;
using OpsConsole.Core.Shared.Upstreams;
using OpsConsole.Core.Yard;
using OpsConsole.Features.Audit;
using OpsConsole.Features.Dashboard;
using OpsConsole.Features.Settings;
using OpsConsole.Tests.Components;
using OpsConsole.Tests.TestSupport;

namespace OpsConsole.Tests.Features.Cluster;

/// <summary>
/// Live pages reload from the source of truth on a resync (ADR 0039): <see cref="CoalescedRefresh.ResyncAll"/>, which the
/// event bridge calls on a gap, a reconnect and every 10 s while Redis is down, makes a page show what was written where it
/// reads (the database, Core's services) without any event reaching it. The components hear a stream of their own that
/// nothing publishes on, as a page on instance B hears nothing of A while Redis is down.
/// </summary>
public sealed class LivePagesResyncTests : ComponentTestContext, IAsyncLifetime
{
    private readonly HostSlot _slot;

    public LivePagesResyncTests() : this(new HostSlot())
    {
    }

    // bUnit takes services only before its first resolution; the host starts in InitializeAsync, so they read it when asked.
    private LivePagesResyncTests(HostSlot slot) : base(null, services =>
    {
        services.AddSingleton<IOpsEventStream>(new OpsEventStream(NullLogger<OpsEventStream>.Instance));
        services.AddSingleton(_ => slot.Host!.Get<AuditLog>());
        services.AddSingleton(_ => slot.Host!.Get<RuntimeSettings>());
        services.AddSingleton(_ => slot.Host!.Get<UpstreamHealthBoard>());
        services.AddSingleton(_ => slot.Host!.Get<OpsModuleCatalog>());
        services.AddScoped<UrlStates>();
    }) => _slot = slot;

    private sealed class HostSlot
    {
        public CoreHost? Host { get; set; }
    }

    private CoreHost Host => _slot.Host!;

    private static CancellationToken Ct => Xunit.TestContext.Current.CancellationToken;

    public async ValueTask InitializeAsync()
    {
        _slot.Host = await CoreHost.StartAsync();
        SignInAs("admin", OpsRoles.Admin);
        Render<MudBlazor.MudPopoverProvider>();
    }

    protected override async ValueTask DisposeAsyncCore()
    {
        await base.DisposeAsyncCore();
        if (_slot.Host is not null)
        {
            await _slot.Host.DisposeAsync();
        }
    }

    private Task RecordAsync(string action) =>
        Host.Get<AuditLog>().RecordAsync(new Actor("someone-on-a", [OpsRoles.Admin]), "yard", action, "YardPoller", null, null, null, Ct);

    [Fact]
    public async Task TheLatestAuditTile_OnAResync_ReloadsTheEntriesRecordedWithoutAnEvent()
    {
        await RecordAsync("resync.before");
        var tile = Render<LatestAuditTile>();
        tile.WaitForAssertion(() => tile.Markup.Should().Contain("resync.before"));

        await RecordAsync("resync.while-redis-was-down");
        CoalescedRefresh.ResyncAll();

        tile.WaitForAssertion(() => tile.Find("tr.ops-row-new").TextContent.Should().Contain("resync.while-redis-was-down"), TimeSpan.FromSeconds(10));
    }

    [Fact]
    public async Task TheAuditPage_OnAResync_CountsTheNewEntriesMatchingItsFilter_InTheDatabase()
    {
        await RecordAsync("audit-page.before");
        var page = Render<AuditPage>();
        page.WaitForAssertion(() => page.Markup.Should().Contain("audit-page.before"));

        await RecordAsync("audit-page.first");
        await RecordAsync("audit-page.second");
        CoalescedRefresh.ResyncAll();

        page.WaitForAssertion(() => page.Find("[data-testid=audit-new]").TextContent.Should().Contain("2 new"), TimeSpan.FromSeconds(10));
        page.Markup.Should().NotContain("audit-page.second", "the table stays as the operator paged it until they ask");
    }

    [Fact]
    public async Task ASettingsForm_OnAResync_ShowsAValueAnotherInstanceSaved_UnlessItHasEditsOfItsOwn()
    {
        var form = Render<RuntimeSettingsForm>(p => p.Add(f => f.Module, YardModule.Name));
        var interval = form.Find($"[data-setting={YardSettings.IntervalKey}] input");
        interval.GetAttribute("value").Should().Be("5");

        await SaveElsewhereAsync(YardSettings.IntervalKey, "7");
        CoalescedRefresh.ResyncAll();
        form.WaitForAssertion(() => form.Find($"[data-setting={YardSettings.IntervalKey}] input").GetAttribute("value").Should().Be("7"),
            TimeSpan.FromSeconds(10));

        // An admin typing in this form keeps what they typed.
        form.Find($"[data-setting={YardSettings.DeletionCapKey}] input").Input("12");
        await SaveElsewhereAsync(YardSettings.IntervalKey, "9");
        CoalescedRefresh.ResyncAll();
        await Task.Delay(TimeSpan.FromSeconds(1), Ct);
        form.Find($"[data-setting={YardSettings.DeletionCapKey}] input").GetAttribute("value").Should().Be("12");
        form.Find($"[data-setting={YardSettings.IntervalKey}] input").GetAttribute("value").Should().Be("7");
    }

    [Fact]
    public void TheUpstreamsTile_OnAResync_ShowsAProbeThatReachedTheBoard()
    {
        var board = Host.Get<UpstreamHealthBoard>();
        var tile = Render<UpstreamsTile>();
        tile.Find($"tr[data-upstream={YardModule.Upstream}]").TextContent.Should().NotContain("Down");

        board.Record(new UpstreamHealth(YardModule.Upstream, "Yard management", UpstreamState.Down, "http://yard.test/", 12, "HTTP 503", DateTime.UtcNow, null));
        CoalescedRefresh.ResyncAll();

        tile.WaitForAssertion(() => tile.Find($"tr[data-upstream={YardModule.Upstream}]").TextContent.Should().Contain("Down"), TimeSpan.FromSeconds(10));
    }

    /// <summary>A setting saved in the database as another instance saves it: no event here, and this instance's snapshot is older.</summary>
    private async Task SaveElsewhereAsync(string key, string value)
    {
        await using var db = await Host.DbAsync();
        var row = db.RuntimeSettings.SingleOrDefault(r => r.Module == YardModule.Name && r.Key == key);
        if (row is null)
        {
            db.RuntimeSettings.Add(new RuntimeSetting { Module = YardModule.Name, Key = key, Value = value, UpdatedAt = DateTime.UtcNow, UpdatedBy = "admin-on-a" });
        }
        else
        {
            row.Value = value;
        }
        await db.SaveChangesAsync(Ct);
    }
}
