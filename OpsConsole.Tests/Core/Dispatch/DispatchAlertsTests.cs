using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Time.Testing;
using OpsConsole.Core.Dispatch;
using OpsConsole.Core.Shared.Alerts;
using OpsConsole.Core.Shared.Auditing;
using OpsConsole.Core.Shared.Settings;
using OpsConsole.Tests.TestSupport;

namespace OpsConsole.Tests.Core.Dispatch;

/// <summary>Dispatch reads its runtime settings: the backlog alerts' thresholds and the task lease, changed without a restart.</summary>
public sealed class DispatchAlertsTests : IAsyncLifetime
{
    private static readonly DateTimeOffset Now = new(2026, 12, 7, 8, 0, 0, TimeSpan.Zero);
    private static readonly Actor Admin = new("admin", ["admin"]);
    private readonly FakeTimeProvider _clock = new(Now);
    private CoreHost _host = default!;

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    public async ValueTask InitializeAsync() => _host = await CoreHost.StartAsync(time: _clock);

    public ValueTask DisposeAsync() => _host.DisposeAsync();

    private Task SetAsync(string key, string value) =>
        _host.Get<RuntimeSettings>().SaveAsync(Admin, DispatchModule.Name, new Dictionary<string, string?> { [key] = value }, ct: Ct);

    private async Task AddTasksAsync(int count, DispatchTaskStatus status, DateTime? assignedAt = null)
    {
        await using var db = await _host.DbAsync();
        db.DispatchTasks.AddRange(Enumerable.Range(0, count).Select(_ => new DispatchTask
        {
            FromStationId = 1, ToStationId = 2, Qty = 3, Status = status, CreatedAt = Now.UtcDateTime.AddHours(-1),
            WorkerId = status == DispatchTaskStatus.Assigned ? "w1" : null, AssignedAt = assignedAt,
        }));
        await db.SaveChangesAsync(Ct);
    }

    [Fact]
    public async Task ReadyBacklog_AboveTheThreshold_RaisesAnAlert_WhichResolvesWhenWorkersCatchUp()
    {
        await SetAsync(DispatchSettings.AlertReadyTasksKey, "2");
        await AddTasksAsync(3, DispatchTaskStatus.Ready);
        var check = _host.Get<DispatchAlerts>();

        (await check.CheckAsync(Ct)).Raised.Should().Be(1);
        var alert = (await _host.Get<OpsAlerts>().QueryAsync(new(Module: DispatchModule.Name, Active: true), new(1, 10), Ct)).Items.Single();
        alert.Should().Match<Alert>(a => a.Key == DispatchAlerts.ReadyBacklogKey && a.Title == "3 tasks wait for a worker" && a.Link == "/dispatch/tasks");

        await SetAsync(DispatchSettings.AlertReadyTasksKey, "0");
        (await check.CheckAsync(Ct)).Resolved.Should().Be(1, "0 turns the alert off");
    }

    [Fact]
    public async Task TheLease_IsTheRuntimeSetting_OffAtZero()
    {
        await AddTasksAsync(1, DispatchTaskStatus.Assigned, assignedAt: Now.UtcDateTime.AddMinutes(-10));
        var dispatch = _host.Get<DispatchService>();

        (await dispatch.ReclaimExpiredAsync(Ct)).Should().BeEmpty("the lease is 0 by default");
        await SetAsync(DispatchSettings.LeaseMinutesKey, "5");
        (await dispatch.ReclaimExpiredAsync(Ct)).Should().HaveCount(1);
        await using var db = await _host.DbAsync();
        (await db.DispatchTasks.SingleAsync(Ct)).Status.Should().Be(DispatchTaskStatus.Ready);
    }
}
