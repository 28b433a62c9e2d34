using Microsoft.EntityFrameworkCore;
using OpsConsole.Core.Shared.Auditing;
using OpsConsole.Core.Shared.Identity;
using OpsConsole.Core.Shared.Results;
using OpsConsole.Core.Sync;
using OpsConsole.Simulators.Sync;
using OpsConsole.Tests.TestSupport;

namespace OpsConsole.Tests.Core.Sync;

/// <summary>Admins edit, pause and resume connections (ADR 0038): a stale version refused, the map checked as on create, auth values kept and never audited.</summary>
public sealed class SyncConnectionsTests
{
    private static readonly Actor Admin = new("admin", [OpsRoles.Admin]);

    private static async Task<(CoreHost Host, SyncConnection Connection)> StartAsync()
    {
        var host = await CoreHost.StartAsync();
        var created = await host.Get<SyncConnections>().CreateAsync(Admin, SyncDemoConnection.Request());
        created.Succeeded.Should().BeTrue(created.Describe());
        return (host, created.Value!);
    }

    private static ConnectionRequest EditOf(SyncConnection c, int? version) => new(c.Name, c.Source with { AuthValue = null }, c.Destination with { AuthValue = null },
        c.FieldMap, c.Policy, c.Filter, c.DeletePolicy, c.ScheduleSeconds, c.Paused, version);

    [Fact]
    public async Task AnEdit_ReplacesTheSettings_KeepsTheAuthValue_BumpsTheVersion_AndIsAuditedWithoutSecrets()
    {
        var (host, connection) = await StartAsync();
        await using var _ = host;
        var connections = host.Get<SyncConnections>();
        var edit = EditOf(connection, 1) with { Name = "Renamed", ScheduleSeconds = 120, FieldMap = [.. connection.FieldMap.Take(3)] };

        var saved = await connections.UpdateAsync(Admin, connection.Id, edit);

        saved.Succeeded.Should().BeTrue(saved.Describe());
        var stored = (await connections.GetAsync(connection.Id))!;
        (stored.Name, stored.ScheduleSeconds, stored.FieldMap.Count, stored.Version).Should().Be(("Renamed", 120, 3, 2));
        stored.Source.AuthValue.Should().Be(connection.Source.AuthValue, "an empty auth value keeps the stored one");
        stored.Destination.AuthValue.Should().Be(connection.Destination.AuthValue);
        await using var db = await host.DbAsync();
        var audit = await db.AuditEntries.SingleAsync(a => a.Action == "connection.edit");
        audit.After.Should().Contain("Renamed").And.NotContain(connection.Source.AuthValue!).And.NotContain(connection.Destination.AuthValue!);

        var again = await connections.UpdateAsync(Admin, connection.Id, edit with { Version = 2 });
        again.Value!.Version.Should().Be(2, "saving the same settings again changes nothing");
    }

    [Fact]
    public async Task AStaleVersion_IsRefusedWithTheCurrentOne_AndAnUnknownFieldIsNamed()
    {
        var (host, connection) = await StartAsync();
        await using var _ = host;
        var connections = host.Get<SyncConnections>();
        (await connections.UpdateAsync(Admin, connection.Id, EditOf(connection, 1) with { ScheduleSeconds = 90 })).Succeeded.Should().BeTrue();

        var stale = await connections.UpdateAsync(Admin, connection.Id, EditOf(connection, 1) with { ScheduleSeconds = 30 });
        stale.Outcome.Should().Be(OpsOutcome.Conflict);
        stale.Details!["version"].Should().Be(2);

        var unknown = await connections.UpdateAsync(Admin, connection.Id,
            EditOf(connection, 2) with { FieldMap = [new FieldMapping("title", "headline")], Version = null });
        unknown.Outcome.Should().Be(OpsOutcome.Invalid);
        unknown.Errors["field_map[0].destination"].Single().Should().Contain("'headline'");
        unknown.Errors.Should().ContainKey("version");
        (await connections.GetAsync(connection.Id))!.ScheduleSeconds.Should().Be(90);
    }

    [Fact]
    public async Task PauseAndResume_MoveTheHealth_AreAdminsOnly_AndAudited()
    {
        var (host, connection) = await StartAsync();
        await using var _ = host;
        var connections = host.Get<SyncConnections>();

        await host.Get<UserAdministration>().EnsureRolesAsync();
        (await host.Get<UserAdministration>().CreateAsync(Actor.System, new NewUser("operator", null, [OpsRoles.Operator], "a-long-test-pass-2026"))).Succeeded.Should().BeTrue();
        string operatorId;
        await using (var users = await host.DbAsync())
        {
            operatorId = await users.Users.Where(u => u.UserName == "operator").Select(u => u.Id).SingleAsync();
        }
        var refused = async () => await connections.PauseAsync(new Actor("operator", [OpsRoles.Operator]) { AccountId = operatorId }, connection.Id, 1);
        await refused.Should().ThrowAsync<AccessRefusedException>("operators run syncs; admins pause connections");

        var paused = await connections.PauseAsync(Admin, connection.Id, 1);
        (paused.Value!.Paused, paused.Value.Health, paused.Value.Version).Should().Be((true, SyncConnectionHealth.Paused, 2));
        (await connections.ResumeAsync(Admin, connection.Id, 1)).Outcome.Should().Be(OpsOutcome.Conflict, "the version read is stale");
        var resumed = await connections.ResumeAsync(Admin, connection.Id, 2);
        (resumed.Value!.Paused, resumed.Value.Health).Should().Be((false, SyncConnectionHealth.InitialSync), "nothing was synced yet");

        await using var db = await host.DbAsync();
        (await db.AuditEntries.Where(a => a.Module == SyncModule.Name).OrderBy(a => a.Id).Select(a => a.Action).ToListAsync())
            .Should().Equal("connection.create", "connection.pause", "connection.resume");
    }
}
