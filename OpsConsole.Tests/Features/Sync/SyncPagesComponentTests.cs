using Bunit;
using Microsoft.EntityFrameworkCore;
using Microsoft.AspNetCore.Components;
using Microsoft.Extensions.DependencyInjection;
using OpsConsole.Core.Shared.Auditing;
using OpsConsole.Core.Shared.Identity;
using OpsConsole.Core.Shared.Upstreams;
using OpsConsole.Core.Sync;
using OpsConsole.Features.Sync;
using OpsConsole.Simulators.Sync;
using OpsConsole.Tests.Components;
using OpsConsole.Tests.TestSupport;

namespace OpsConsole.Tests.Features.Sync;

/// <summary>
/// The connection editor over Core's real SyncConnections (its checks, versions and refusals on a SQLite file of its own),
/// and the plan table: what an admin and an operator see of a connection's map and a dry run's plan.
/// </summary>
public sealed class SyncPagesComponentTests : ComponentTestContext, IAsyncLifetime
{
    private readonly HostSlot _slot;
    private SyncConnection _connection = default!;

    public SyncPagesComponentTests() : this(new HostSlot())
    {
    }

    // bUnit takes services only before its first resolution; the host starts in InitializeAsync, so they read it when asked.
    private SyncPagesComponentTests(HostSlot slot) : base(null, services =>
    {
        services.AddSingleton(_ => slot.Host!.Get<SyncConnections>());
        services.AddSingleton(_ => slot.Host!.Get<UpstreamCatalog>());
    }) => _slot = slot;

    private sealed class HostSlot
    {
        public CoreHost? Host { get; set; }
    }

    private SyncConnections Connections => _slot.Host!.Get<SyncConnections>();

    public async ValueTask InitializeAsync()
    {
        _slot.Host = await CoreHost.StartAsync();
        _connection = (await Connections.CreateAsync(Actor.System, SyncDemoConnection.Request())).Value!;
        // Core's AccountGate checks the signed-in account at the moment each command runs: it must exist.
        var users = _slot.Host.Get<UserAdministration>();
        await users.EnsureRolesAsync();
        (await users.CreateAsync(Actor.System, new NewUser("admin", null, [OpsRoles.Admin], "a-long-test-pass-2026"))).Succeeded.Should().BeTrue();
        await using var db = await _slot.Host.DbAsync();
        var id = await db.Users.Where(u => u.UserName == "admin").Select(u => u.Id).SingleAsync();
        SignInAs("admin", OpsRoles.Admin, new System.Security.Claims.Claim(System.Security.Claims.ClaimTypes.NameIdentifier, id));
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

    private IRenderedComponent<ConnectionEditorPage> OpenEditor()
    {
        var editor = Render<ConnectionEditorPage>(p => p.Add(e => e.Id, _connection.Id));
        editor.WaitForElement("[data-testid=field-map]");
        return editor;
    }

    private static string ErrorFor(IRenderedComponent<ConnectionEditorPage> editor, string key) => editor.Find($"[data-error-for='{key}']").TextContent;

    [Fact]
    public async Task Saving_AMapNamingAFieldTheSchemaLacks_ShowsCoresMessageUnderThatCell_WithABadValueMapAndAMissingName_AndStoresNothing()
    {
        var editor = OpenEditor();
        editor.FindAll("[data-testid=field-row]").Should().HaveCount(_connection.FieldMap.Count);
        editor.Find("[data-testid=connection-name]").Change("");
        // The source's schema loses "title": row 0 still names it, marked, and Core refuses it by name.
        editor.Find("[data-testid=source-fields]").Change("description, status, priority, assignee, due_date, external_ref");
        editor.FindAll("[data-testid=map-source]")[0].TextContent.Should().Contain("title (not in the schema)");
        editor.FindAll("[data-testid=map-values]")[2].Change("todo=open, halfway");

        await editor.InvokeAsync(() => editor.Find("form").Submit());

        editor.WaitForAssertion(() => ErrorFor(editor, "field_map[0].source").Should().Contain("'title'"));
        ErrorFor(editor, "field_map[2].values").Should().Contain("'halfway'");
        editor.Find("[data-testid=connection-name]").Closest(".mud-input-control")!.TextContent.Should().Contain("name");
        editor.Find("[data-testid=editor-message]").TextContent.Should().Contain("need a look");
        var stored = (await Connections.GetAsync(_connection.Id))!;
        (stored.Name, stored.Version, stored.Source.Fields.Contains("title")).Should().Be((_connection.Name, 1, true));
    }

    [Fact]
    public async Task AValidEdit_IsSavedWithTheNextVersion_AndOneBasedOnAStaleVersionIsRefusedWithAMessage()
    {
        var editor = OpenEditor();
        editor.FindAll("[data-testid=map-direction]")[1].Change(nameof(SyncDirection.ToDestination));
        editor.Find("[data-testid=connection-name]").Change("Edited in the page");
        await editor.InvokeAsync(() => editor.Find("form").Submit());

        editor.WaitForAssertion(() => Services.GetRequiredService<NavigationManager>().Uri.Should().EndWith("/sync"));
        var stored = (await Connections.GetAsync(_connection.Id))!;
        (stored.Name, stored.Version, stored.FieldMap[1].Direction).Should().Be(("Edited in the page", 2, SyncDirection.ToDestination));
        stored.FieldMap[2].Values.Should().BeEquivalentTo(_connection.FieldMap[2].Values, "a value map read back from the form is the same map");

        var stale = OpenEditor();
        (await Connections.PauseAsync(new Actor("admin", [OpsRoles.Admin]), _connection.Id, 2)).Succeeded.Should().BeTrue();
        await stale.InvokeAsync(() => stale.Find("form").Submit());
        stale.WaitForAssertion(() => stale.Find("[data-testid=editor-message]").TextContent.Should().Contain("changed since you read it"));
    }

    [Fact]
    public void ThePlanTable_ShowsEachItemsAction_AndEachFieldsChangeWithItsDirection()
    {
        IReadOnlyList<PlannedItem> items =
        [
            new("SRC-1", null, SyncAction.Add, [new FieldDiff("title>name", SyncDirection.ToDestination, null, "Fix the gate")]),
            new("SRC-2", "CARD-2", SyncAction.Update, [new FieldDiff("status>state", SyncDirection.ToSource, "todo", "in_progress")]),
            new("SRC-3", "CARD-3", SyncAction.Conflict, [new FieldDiff("assignee>owner", SyncDirection.Both, "ana", "ben", "conflict held for review (manual)")]),
            new("SRC-4", "CARD-4", SyncAction.Skip, []),
        ];
        var source = _connection.Source with { BrowseUrl = "https://source.example/browse/{id}" };

        var table = Render<PlanTable>(p => p.Add(t => t.Items, items).Add(t => t.Source, source).Add(t => t.Destination, _connection.Destination));

        var rows = table.FindAll("[data-testid=plan-table] tbody tr");
        rows.Should().HaveCount(4);
        rows.Select(r => r.QuerySelector("[data-status]")!.GetAttribute("data-status")).Should().Equal("add", "update", "conflict", "skip");
        rows[0].TextContent.Should().Contain("title → name:").And.Contain("Fix the gate");
        rows[0].QuerySelector("del").Should().BeNull("a new item's field has no value to come from");
        rows[1].QuerySelector("[data-field='status>state']")!.TextContent.Should().Contain("status ← state").And.Contain("todo").And.Contain("in_progress");
        rows[2].TextContent.Should().Contain("assignee ↔ owner").And.Contain("ana").And.Contain("ben").And.Contain("held for review");
        rows[3].TextContent.Should().Contain("—", "an item with nothing to change says so");
        rows[1].QuerySelector("a[href='https://source.example/browse/SRC-2']").Should().NotBeNull("the source side has a browse address");
        rows[1].QuerySelector("a[href='/sync/activity?item=CARD-2']").Should().NotBeNull("every id leads to its activity");
        rows[1].QuerySelectorAll("a[target=_blank]").Should().HaveCount(1, "the destination has no browse address: its id only");
    }
}
