using OpsConsole.Core.Maintenance;
using OpsConsole.Core.Shared.Auditing;
using OpsConsole.Core.Shared.Data;

namespace OpsConsole.Tests.TestSupport;

/// <summary>Maintenance rows for tests: an area with machines, parts, codes.</summary>
public static class MaintenanceTestData
{
    public static readonly DateTimeOffset T0 = new(2026, 12, 1, 6, 0, 0, TimeSpan.Zero);
    public static readonly Actor Operator = new("op", ["operator"]);

    /// <summary>An area "Press shop" with <paramref name="count"/> machines M1…Mn (idle since T0 − 1 h), and their ids.</summary>
    public static async Task<IReadOnlyList<int>> MachinesAsync(OpsDbContext db, int count = 2, bool openTicketOnDown = true, StateFeed feed = StateFeed.Manual,
        Criticality criticality = Criticality.B)
    {
        var area = new Area { Name = $"Press shop {Guid.NewGuid():N}"[..20] };
        db.MaintenanceAreas.Add(area);
        await db.SaveChangesAsync();
        var machines = Enumerable.Range(1, count).Select(i => new Machine
        {
            Code = $"M{i}-{area.Id}", Name = $"Press {i}", AreaId = area.Id, OpenTicketOnDown = openTicketOnDown, Feed = feed, Criticality = criticality,
            State = MachineState.Idle, StateSince = T0.UtcDateTime.AddHours(-1), Version = 1,
        }).ToList();
        db.Machines.AddRange(machines);
        await db.SaveChangesAsync();
        return machines.Select(m => m.Id).ToList();
    }

    public static async Task<int> PartAsync(OpsDbContext db, string number = "BRG-6204", int reorderLevel = 0, int leadTimeDays = 7, int reorderQuantity = 10)
    {
        var part = new Part { Number = number, Name = "Bearing 6204", ReorderLevel = reorderLevel, LeadTimeDays = leadTimeDays, ReorderQuantity = reorderQuantity, Version = 1 };
        db.Parts.Add(part);
        await db.SaveChangesAsync();
        return part.Id;
    }

    public static async Task CodesAsync(OpsDbContext db)
    {
        db.MaintenanceCodes.AddRange(
            new MaintenanceCode { Kind = CodeKind.Reason, Code = "jam", Label = "Material jam" },
            new MaintenanceCode { Kind = CodeKind.Reason, Code = "changeover", Label = "Changeover", Planned = true },
            new MaintenanceCode { Kind = CodeKind.Problem, Code = "hydraulic", Label = "Hydraulic" },
            new MaintenanceCode { Kind = CodeKind.Cause, Code = "seal-wear", Label = "Seal wear" },
            new MaintenanceCode { Kind = CodeKind.Remedy, Code = "replace", Label = "Replaced part" });
        await db.SaveChangesAsync();
    }
}
