using System.Security.Claims;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;
using OpsConsole.Core.Maintenance;
using OpsConsole.Core.Shared.Auditing;
using OpsConsole.Core.Shared.Data;
using OpsConsole.Core.Shared.Identity;
using OpsConsole.Tests.Components;
using OpsConsole.Tests.TestSupport;

namespace OpsConsole.Tests.Features.Maintenance;

/// <summary>
/// bUnit over Core's real Maintenance services on a SQLite file of their own, signed in as an account that exists there
/// (Core's AccountGate checks it at the moment each command runs), so the forms meet Core's own validation and refusals.
/// </summary>
public abstract class MaintenanceFormTestContext : ComponentTestContext, IAsyncLifetime
{
    protected static readonly DateTimeOffset Now = new(2026, 12, 7, 12, 0, 0, TimeSpan.Zero);

    private static readonly Type[] CoreServices =
        [typeof(PartsLedger), typeof(TicketService), typeof(DowntimeLog), typeof(MaintenanceCodes), typeof(MachineDirectory), typeof(ShiftCalendars), typeof(MaintenanceOptions)];

    private readonly HostSlot _slot;

    protected MaintenanceFormTestContext() : this(new HostSlot())
    {
    }

    // bUnit takes services only before its first resolution (in the base constructor); the host starts later, in
    // InitializeAsync, so the registrations read it when a component first asks.
    private MaintenanceFormTestContext(HostSlot slot) : base(new FakeTimeProvider(Now), services =>
    {
        foreach (var type in CoreServices)
        {
            services.AddSingleton(type, _ => slot.Host!.Services.GetRequiredService(type));
        }
    }) => _slot = slot;

    private sealed class HostSlot
    {
        public CoreHost? Host { get; set; }
    }

    protected CoreHost Host => _slot.Host!;

    public async ValueTask InitializeAsync()
    {
        _slot.Host = await CoreHost.StartAsync(time: new FakeTimeProvider(Now));
        await Host.Get<UserAdministration>().EnsureRolesAsync();
        foreach (var role in new[] { OpsRoles.Operator, OpsRoles.Viewer, OpsRoles.Admin })
        {
            (await Host.Get<UserAdministration>().CreateAsync(Actor.System, new NewUser(role, null, [role], "a-long-test-pass-2026"))).Succeeded.Should().BeTrue();
        }
        await SeedAsync();
    }

    /// <summary>Rows the tests of the class need, before anything renders.</summary>
    protected virtual Task SeedAsync() => Task.CompletedTask;

    /// <summary>Signs in as the account of that role (named after it) in the host's database.</summary>
    protected async Task SignInAsync(string role)
    {
        await using var db = await Host.DbAsync();
        var id = await db.Users.Where(u => u.UserName == role).Select(u => u.Id).SingleAsync();
        SignInAs(role, role, new Claim(ClaimTypes.NameIdentifier, id));
    }

    protected async Task<OpsDbContext> DbAsync() => await Host.DbAsync();

    protected override async ValueTask DisposeAsyncCore()
    {
        await base.DisposeAsyncCore();
        if (_slot.Host is not null)
        {
            await _slot.Host.DisposeAsync();
        }
    }
}
