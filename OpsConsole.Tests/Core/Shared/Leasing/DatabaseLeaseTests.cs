using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Logging.Abstractions;
using OpsConsole.Core.Shared.Data;
using OpsConsole.Core.Shared.Leasing;
using OpsConsole.Tests.TestSupport;

namespace OpsConsole.Tests.Core.Shared.Leasing;

/// <summary>
/// The generic lease row on a real database of each provider: one holder at a time, the heartbeat keeps it past its
/// time-to-live, a holder that stops beating loses it to the next, a taken-over holder is told, and the database's
/// clock decides (two instances whose clocks are a day apart still agree).
/// </summary>
public sealed class DatabaseLeaseTests
{
    public static TheoryData<string> Providers => new("Sqlite", "PostgreSql");

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    /// <summary>An instance whose clock is off by <paramref name="skew"/> (its timers run as usual).</summary>
    private sealed class SkewedClock(TimeSpan skew) : TimeProvider
    {
        public override DateTimeOffset GetUtcNow() => base.GetUtcNow() + skew;
    }

    private static DatabaseLease Leases(CoreHost host, TimeProvider? time = null) =>
        new(host.Get<IDbContextFactory<OpsDbContext>>(), time ?? TimeProvider.System, NullLogger<DatabaseLease>.Instance,
            host.Get<OpsConsole.Core.Shared.Cluster.ClusterOptions>());

    [Theory]
    [MemberData(nameof(Providers))]
    public async Task OneHolderAtATime_AndAReleasedLeaseIsFreeAtOnce(string provider)
    {
        await using var host = await CoreHost.StartAsync(provider);
        var leases = Leases(host);
        var first = await leases.TryAcquireAsync("job:a", TimeSpan.FromSeconds(30), Ct);
        first.Should().NotBeNull();
        (await leases.TryAcquireAsync("job:a", TimeSpan.FromSeconds(30), Ct)).Should().BeNull("it is held");
        await using (var other = await leases.TryAcquireAsync("job:b", TimeSpan.FromSeconds(30), Ct))
        {
            other.Should().NotBeNull("another name is another lease");
        }
        (await leases.IsHeldAsync("job:a", Ct)).Should().BeTrue();
        var row = (await leases.FindAsync("job:a", Ct))!;
        (row.Holder, row.Token).Should().Be((leases.Instance, first!.Token));
        (row.ExpiresAt - row.AcquiredAt).Should().BeCloseTo(TimeSpan.FromSeconds(30), TimeSpan.FromSeconds(1));

        await first.DisposeAsync();
        (await leases.IsHeldAsync("job:a", Ct)).Should().BeFalse();
        await using var again = await leases.TryAcquireAsync("job:a", TimeSpan.FromSeconds(30), Ct);
        again.Should().NotBeNull("a released lease is free at once");
    }

    [Theory]
    [MemberData(nameof(Providers))]
    public async Task TheHeartbeatKeepsTheLeasePastItsTimeToLive(string provider)
    {
        await using var host = await CoreHost.StartAsync(provider);
        var leases = Leases(host);
        await using var held = await leases.TryAcquireAsync("job:beat", TimeSpan.FromSeconds(3), Ct);
        var firstExpiry = (await leases.FindAsync("job:beat", Ct))!.ExpiresAt;
        // Renewed after the time it would first have run out: without the heartbeat it would be free by then.
        await Until.TrueAsync(async () => (await leases.FindAsync("job:beat", Ct))!.HeartbeatAt > firstExpiry, "a heartbeat after the first expiry",
            TimeSpan.FromSeconds(30));
        (await leases.TryAcquireAsync("job:beat", TimeSpan.FromSeconds(3), Ct)).Should().BeNull("its holder is alive and beating");
        held!.Lost.IsCancellationRequested.Should().BeFalse();
    }

    [Theory]
    [MemberData(nameof(Providers))]
    public async Task AHolderThatStopsBeating_LosesTheLeaseToTheNext_WhichTheOldHolderIsToldOf(string provider)
    {
        await using var host = await CoreHost.StartAsync(provider);
        var leases = Leases(host);
        var dead = (await leases.TryAcquireAsync("job:dead", TimeSpan.FromSeconds(1), Ct))!;
        await dead.AbandonAsync();
        (await leases.TryAcquireAsync("job:dead", TimeSpan.FromSeconds(1), Ct)).Should().BeNull("it has not run out yet");
        HeldLease? next = null;
        await Until.TrueAsync(async () => (next = await leases.TryAcquireAsync("job:dead", TimeSpan.FromSeconds(30), Ct)) is not null,
            "the dead holder's lease to run out", TimeSpan.FromSeconds(30));
        await using (next)
        {
            (await leases.FindAsync("job:dead", Ct))!.Token.Should().Be(next!.Token);
        }

        // A live holder whose lease is taken over (it stalled past its time) hears of it at its next beat.
        var stalled = (await leases.TryAcquireAsync("job:stalled", TimeSpan.FromSeconds(1), Ct))!;
        await using (var db = await host.DbAsync())
        {
            await db.Set<Lease>().Where(l => l.Name == "job:stalled").ExecuteUpdateAsync(s => s.SetProperty(l => l.Token, "someone-else"), Ct);
        }
        await Until.TrueAsync(() => stalled.Lost.IsCancellationRequested, "the taken-over holder to be told", TimeSpan.FromSeconds(30));
        await stalled.DisposeAsync();
        (await leases.FindAsync("job:stalled", Ct))!.Token.Should().Be("someone-else", "releasing does not remove another holder's lease");
    }

    [Theory]
    [MemberData(nameof(Providers))]
    public async Task TheDatabasesClockDecides_SoInstancesWhoseClocksAreADayApartAgree(string provider)
    {
        await using var host = await CoreHost.StartAsync(provider);
        var ahead = Leases(host, new SkewedClock(TimeSpan.FromDays(1)));
        var behind = Leases(host, new SkewedClock(-TimeSpan.FromDays(1)));
        var held = await behind.TryAcquireAsync("job:clock", TimeSpan.FromSeconds(30), Ct);
        held.Should().NotBeNull();
        (await ahead.TryAcquireAsync("job:clock", TimeSpan.FromSeconds(30), Ct)).Should().BeNull("a day ahead is not past the database's expiry");
        var row = (await ahead.FindAsync("job:clock", Ct))!;
        row.ExpiresAt.Should().BeCloseTo(DateTime.UtcNow.AddSeconds(30), TimeSpan.FromSeconds(20), "times come from the database, not from either instance");
        await held!.DisposeAsync();
        await using var taken = await ahead.TryAcquireAsync("job:clock", TimeSpan.FromSeconds(30), Ct);
        taken.Should().NotBeNull();
    }
}
