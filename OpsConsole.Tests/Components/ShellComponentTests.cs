using Microsoft.Extensions.DependencyInjection;
using Bunit;
using OpsConsole.Components.Layout;
using OpsConsole.Components.Shared;
using OpsConsole.Core.Shared.Identity;

namespace OpsConsole.Tests.Components;

public sealed class ShellComponentTests : ComponentTestContext
{
    public static TheoryData<string, string[]> NavigationByRole => new()
    {
        { OpsRoles.Viewer, ["dashboard", "alerts", "audit", "scheduler", "missing", "jobs", "files", "records", "branches", "hostlers", "suggestions", "tasks", "machines", "tickets", "schedules", "parts", "production", "codes", "analytics", "sync-connections", "sync-runs", "sync-conflicts", "sync-attention", "sync-activity", "settings", "api"] },
        { OpsRoles.Operator, ["dashboard", "alerts", "audit", "scheduler", "missing", "jobs", "files", "records", "branches", "hostlers", "suggestions", "tasks", "machines", "tickets", "report", "schedules", "parts", "production", "codes", "analytics", "sync-connections", "sync-runs", "sync-conflicts", "sync-attention", "sync-activity", "settings", "api"] },
        { OpsRoles.Supervisor, ["dashboard", "alerts", "audit", "scheduler", "missing", "jobs", "files", "records", "branches", "hostlers", "suggestions", "tasks", "machines", "tickets", "report", "schedules", "parts", "production", "codes", "analytics", "sync-connections", "sync-runs", "sync-conflicts", "sync-attention", "sync-activity", "settings", "api"] },
        { OpsRoles.Admin, ["dashboard", "alerts", "audit", "scheduler", "missing", "jobs", "files", "records", "branches", "hostlers", "suggestions", "tasks", "machines", "tickets", "report", "schedules", "parts", "production", "codes", "analytics", "sync-connections", "sync-runs", "sync-conflicts", "sync-attention", "sync-activity", "users", "simulators", "settings", "api"] },
        { OpsRoles.Worker, [] },
        { OpsRoles.MlEngine, [] },
    };

    [Theory]
    [MemberData(nameof(NavigationByRole))]
    public void NavMenu_ShowsExactlyWhatTheRoleMayUse(string role, string[] expected)
    {
        SignInAs("someone", role);
        var nav = Render<NavMenu>();
        nav.FindAll("[data-nav]").Select(a => a.GetAttribute("data-nav")).Should().Equal(expected);
    }

    [Theory]
    [InlineData("Healthy", "good")]
    [InlineData("Up", "good")]
    [InlineData("Degraded", "warn")]
    [InlineData("Paused", "warn")]
    [InlineData("Down", "bad")]
    [InlineData("Failed", "bad")]
    [InlineData("Something else", "neutral")]
    public void StatusChip_GivesEachStateItsTone(string status, string tone)
    {
        var chip = Render<StatusChip>(p => p.Add(c => c.Status, status));
        chip.Find("span").ClassList.Should().Contain($"ops-status--{tone}");
        chip.Find("span").TextContent.Should().Be(status);
    }

    [Fact]
    public void DataState_ShowsLoadingThenErrorThenEmptyThenContent()
    {
        var state = Render<DataState>(p => p.Add(d => d.Loading, true).AddChildContent("<p id='content'>rows</p>"));
        state.Find("[role=status]").TextContent.Should().Contain("Loading");

        state.Render(p => p.Add(d => d.Loading, false).Add(d => d.Error, "The database is away."));
        state.Find("[role=alert]").TextContent.Should().Contain("The database is away.");

        state.Render(p => p.Add(d => d.Error, null).Add(d => d.Empty, true).Add(d => d.EmptyTitle, "No jobs"));
        state.Markup.Should().Contain("No jobs");
        state.FindAll("#content").Should().BeEmpty();

        state.Render(p => p.Add(d => d.Empty, false));
        state.Find("#content").TextContent.Should().Be("rows");
    }

    [Fact]
    public void ConnectionIndicator_StartsLive_AndIsAnnouncedPolitely()
    {
        var indicator = Render<ConnectionIndicator>();
        var el = indicator.Find("#ops-connection");
        el.GetAttribute("role").Should().Be("status");
        el.GetAttribute("aria-live").Should().Be("polite");
        el.TextContent.Should().Contain("Live");
    }

    [Fact]
    public void Ago_SaysHowLongAgo_WithTheExactTimeOnHover()
    {
        var at = DateTime.UtcNow.AddMinutes(-5);
        var ago = Render<Ago>(p => p.Add(a => a.At, at));
        ago.Find("time").TextContent.Should().Be("5 min ago");
        ago.Find("time").GetAttribute("title").Should().EndWith("UTC");
        Render<Ago>(p => p.Add(a => a.At, null).Add(a => a.Never, "not yet")).Markup.Should().Contain("not yet");
    }

    [Fact]
    public void ShortcutSheet_ListsEveryDestination()
    {
        ShortcutSheet.Shell.Where(s => s.Href is not null).Should().OnlyContain(s => s.Keys.StartsWith("g "));
        ShortcutSheet.Shell.Select(s => s.Href).Should().Contain(["/", "/audit", "/scheduler", "/admin/users", "/settings"]);
        ShortcutSheet.Destination([new ShellShortcut("g x", "Go to x", "/x")], "g x").Should().Be("/x", "a module's shortcut goes where it says");
        ShortcutSheet.Destination([], "g d").Should().Be("/");
    }

    [Fact]
    public void ShortcutSheet_EveryPageHasItsOwnGSequence_AndTheAdminPagesNameTheirPolicy()
    {
        var all = ShortcutSheet.All(Services.GetServices<ShellShortcut>()).ToList();
        var destinations = all.Where(s => s.Href is not null).ToList();

        destinations.Should().OnlyContain(s => s.Keys.StartsWith("g ") && s.Keys.Length == 3);
        destinations.Select(s => s.Keys).Should().OnlyHaveUniqueItems();
        destinations.Select(s => s.Href).Should().Contain(["/", "/audit", "/scheduler", "/etl/jobs", "/etl/missing", "/etl/records", "/etl/files", "/etl/branches",
            "/yard", "/settings#yard", "/dispatch/suggestions", "/dispatch/tasks", "/admin/users", "/admin/simulators", "/settings", "/alerts"]);
        destinations.Where(s => s.Href!.StartsWith("/admin/")).Should().OnlyContain(s => s.Policy == OpsPolicies.Administer);
        destinations.Where(s => !s.Href!.StartsWith("/admin/")).Should().OnlyContain(s => s.Policy == null, "every other page is readable by every role");
    }
}
