using System.Collections.Concurrent;
using System.Net;
using System.Net.Http.Json;
using System.Security.Claims;
using System.Text.Json;
using Microsoft.AspNetCore.Http.Connections;
using Microsoft.AspNetCore.Identity;
using Microsoft.AspNetCore.SignalR.Client;
using Microsoft.Extensions.DependencyInjection;
using OpsConsole.Core.Shared.Alerts;
using OpsConsole.Core.Shared.Identity;
using OpsConsole.Infrastructure.Auth;
using OpsConsole.Tests.TestSupport;

namespace OpsConsole.Tests.Features.Alerts;

/// <summary>GET /api/alerts and the acknowledgements, on the API's convention; who may acknowledge is checked in Core too.</summary>
public sealed class AlertsApiTests(SharedApp app) : IClassFixture<SharedApp>
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private OpsAlerts Alerts => app.Services.GetRequiredService<OpsAlerts>();

    /// <summary>A cause of this test's own, in a module whose background checks never report it.</summary>
    private Task<Alert> RaiseAsync(string key, AlertSeverity severity = AlertSeverity.Warning) =>
        Alerts.RaiseAsync(new AlertSignal("dispatch", "test:" + key, severity, $"Test {key}", "raised by a test", "/dispatch/tasks"), Ct);

    [Fact]
    public async Task List_IsPagedNewestFirst_FilteredByModuleStateAndSeverity_InSnakeCase()
    {
        var older = await RaiseAsync("list-older", AlertSeverity.Critical);
        var newer = await RaiseAsync("list-newer", AlertSeverity.Critical);
        using var viewer = await app.ClientAsAsync("viewer");

        var page = await viewer.GetFromJsonAsync<JsonElement>("/api/alerts?module=dispatch&state=open&severity=critical&page=1&page_size=1", Ct);

        page.GetProperty("page").GetInt32().Should().Be(1);
        page.GetProperty("page_size").GetInt32().Should().Be(1);
        page.GetProperty("total").GetInt32().Should().BeGreaterThanOrEqualTo(2);
        var first = page.GetProperty("items").EnumerateArray().Single();
        first.GetProperty("id").GetInt64().Should().BeGreaterThanOrEqualTo(newer.Id);
        first.GetProperty("severity").GetString().Should().Be("critical");
        first.GetProperty("state").GetString().Should().Be("open");
        first.TryGetProperty("first_seen_at", out _).Should().BeTrue();
        first.TryGetProperty("last_seen_at", out _).Should().BeTrue();
        var all = await viewer.GetFromJsonAsync<JsonElement>("/api/alerts?module=dispatch&page_size=500", Ct);
        var ids = all.GetProperty("items").EnumerateArray().Select(i => i.GetProperty("id").GetInt64()).ToList();
        ids.IndexOf(newer.Id).Should().BeLessThan(ids.IndexOf(older.Id), "newest first");
    }

    [Fact]
    public async Task List_WithBadFilters_Is400NamingEachOne()
    {
        using var viewer = await app.ClientAsAsync("viewer");
        var response = await viewer.GetAsync("/api/alerts?module=weather&state=sleeping&severity=loud&page=0", Ct);

        var problem = await response.ShouldBeValidationProblemAsync("module");
        problem.GetProperty("errors").EnumerateObject().Select(e => e.Name).Should().BeEquivalentTo(["module", "state", "severity", "page"]);
    }

    [Fact]
    public async Task Acknowledge_ByAnOperator_Is200AndAudited_ThenAConflict_AndAnUnknownIdIs404()
    {
        var alert = await RaiseAsync("ack-one");
        using var op = await app.ClientAsAsync("operator");

        var response = await op.PostAsync($"/api/alerts/{alert.Id}/acknowledge", null, Ct);
        response.StatusCode.Should().Be(HttpStatusCode.OK, await response.Content.ReadAsStringAsync(Ct));
        var body = await response.Content.ReadFromJsonAsync<JsonElement>(Ct);
        body.GetProperty("state").GetString().Should().Be("acknowledged");
        body.GetProperty("acknowledged_by").GetString().Should().Be("operator");

        (await op.PostAsync($"/api/alerts/{alert.Id}/acknowledge", null, Ct)).StatusCode.Should().Be(HttpStatusCode.Conflict);
        (await op.PostAsync("/api/alerts/987654/acknowledge", null, Ct)).StatusCode.Should().Be(HttpStatusCode.NotFound);
        var audit = await op.GetFromJsonAsync<JsonElement>($"/api/audit?entity=Alert&text={alert.Id}", Ct);
        audit.GetProperty("items").EnumerateArray().Should().Contain(e => e.GetProperty("action").GetString() == "alert.acknowledge"
            && e.GetProperty("actor").GetString() == "operator" && e.GetProperty("entity_id").GetString() == alert.Id.ToString());
    }

    [Fact]
    public async Task AcknowledgeSeveral_AcknowledgesWhatIsOpen_AndNamesWhyNotForTheRest()
    {
        var one = await RaiseAsync("bulk-1");
        var two = await RaiseAsync("bulk-2");
        await Alerts.ClearAsync("dispatch", "test:bulk-2", Ct);
        using var op = await app.ClientAsAsync("operator");

        var response = await op.PostAsJsonAsync("/api/alerts/acknowledge", new { ids = new[] { one.Id, two.Id } }, Ct);

        response.StatusCode.Should().Be(HttpStatusCode.OK, await response.Content.ReadAsStringAsync(Ct));
        var body = await response.Content.ReadFromJsonAsync<JsonElement>(Ct);
        body.GetProperty("acknowledged").EnumerateArray().Select(i => i.GetInt64()).Should().Equal(one.Id);
        body.GetProperty("refused").GetProperty(two.Id.ToString()).GetString().Should().Contain("resolved");
        await (await op.PostAsJsonAsync("/api/alerts/acknowledge", new { ids = Array.Empty<long>() }, Ct)).ShouldBeValidationProblemAsync("ids");
    }

    [Fact]
    public async Task AViewersPage_CannotAcknowledge_EvenThoughTheButtonIsHidden_TheCoreRefuses()
    {
        var alert = await RaiseAsync("viewer-page");
        var viewer = await PrincipalOfAsync("viewer");
        var op = await PrincipalOfAsync("operator");

        var refused = () => Alerts.AcknowledgeAsync(viewer.ToActor(), alert.Id, Ct);
        (await refused.Should().ThrowAsync<AccessRefusedException>()).Which.Message.Should().Be("Your role may not do this.");
        (await Alerts.AcknowledgeAsync(op.ToActor(), alert.Id, Ct)).Succeeded.Should().BeTrue("operators and up acknowledge (ADR 0020)");
    }

    [Fact]
    public async Task TheHub_RelaysAlertChanges_OnTheAlertsTopic_ToAViewer()
    {
        var token = await app.TokenAsync("viewer");
        await using var hub = new HubConnectionBuilder()
            .WithUrl(new Uri(app.Server.BaseAddress, "hubs/ops?topics=alerts"), o =>
            {
                o.HttpMessageHandlerFactory = _ => app.Server.CreateHandler();
                o.Transports = HttpTransportType.LongPolling;
                o.AccessTokenProvider = () => Task.FromResult<string?>(token);
            })
            .Build();
        // The app is shared with other test classes that raise alerts of their own: wait for the event that names this one.
        var raised = new ConcurrentQueue<JsonElement>();
        hub.On<JsonElement>("event", e =>
        {
            if (e.GetProperty("topic").GetString() == "alerts" && e.GetProperty("data").GetProperty("change").GetString() == "raised")
            {
                raised.Enqueue(e.Clone());
            }
        });
        await hub.StartAsync(Ct);

        var alert = await RaiseAsync("hub");

        bool NamesTheAlert(JsonElement e) => e.GetProperty("data").GetProperty("ids").EnumerateArray().Any(i => i.GetInt64() == alert.Id);
        await Until.TrueAsync(() => raised.Any(NamesTheAlert), "the alerts topic's event for the raised alert", TimeSpan.FromSeconds(30));
        var evt = raised.First(NamesTheAlert);
        evt.GetProperty("type").GetString().Should().Be("AlertsChanged");
        evt.GetProperty("data").GetProperty("ids").EnumerateArray().Select(i => i.GetInt64()).Should().Contain(alert.Id);
        evt.GetProperty("data").GetProperty("modules").EnumerateArray().Select(m => m.GetString()).Should().Equal("dispatch");
    }

    private async Task<ClaimsPrincipal> PrincipalOfAsync(string user)
    {
        await using var scope = app.Services.CreateAsyncScope();
        var users = scope.ServiceProvider.GetRequiredService<UserManager<OpsUser>>();
        var factory = scope.ServiceProvider.GetRequiredService<IUserClaimsPrincipalFactory<OpsUser>>();
        return await factory.CreateAsync((await users.FindByNameAsync(user))!);
    }
}
