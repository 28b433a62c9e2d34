using System.Globalization;
using OpsConsole.Core.Maintenance;
using OpsConsole.Core.Shared.Results;

namespace OpsConsole.Features.Maintenance;

/// <summary>What changed in a machine's master data between two reads, as "name: Press 1 → Press one" lines (the editor's stale-version notice).</summary>
public static class MachineChanges
{
    public static IReadOnlyList<string> Between(Machine before, Machine after, IReadOnlyList<Area> areas, IReadOnlyList<ShiftCalendar> calendars)
    {
        string Area(int id) => areas.FirstOrDefault(a => a.Id == id)?.Name ?? $"area {id}";
        string Calendar(int? id) => id is null ? "none (24/7)" : calendars.FirstOrDefault(c => c.Id == id)?.Name ?? $"calendar {id}";
        static string Cycle(double? s) => s is { } v ? v.ToString("0.###", CultureInfo.InvariantCulture) + " s" : "unknown";
        static string YesNo(bool b) => b ? "yes" : "no";
        var lines = new List<string>();
        void Compare(string field, string was, string now)
        {
            if (was != now)
            {
                lines.Add($"{field}: {was} → {now}");
            }
        }
        Compare("name", before.Name, after.Name);
        Compare("area", Area(before.AreaId), Area(after.AreaId));
        Compare("criticality", before.Criticality.Wire(), after.Criticality.Wire());
        Compare("ideal cycle time", Cycle(before.IdealCycleSeconds), Cycle(after.IdealCycleSeconds));
        Compare("shift calendar", Calendar(before.CalendarId), Calendar(after.CalendarId));
        Compare("open a ticket when it goes down", YesNo(before.OpenTicketOnDown), YesNo(after.OpenTicketOnDown));
        Compare("state feed", before.Feed.Wire(), after.Feed.Wire());
        return lines;
    }
}
