using System.Globalization;
using OpsConsole.Core.Maintenance;
using OpsConsole.Core.Maintenance.Analytics;

namespace OpsConsole.Features.Maintenance;

/// <summary>
/// The wall clock a machine's times are shown and entered in: its shift calendar's time zone, or the plant's
/// (`Maintenance:PlantTimeZone`) without one, as analytics buckets days. Always shown with its name, never as bare times.
/// </summary>
public sealed record PlantTime(string ZoneId, TimeZoneInfo Zone)
{
    /// <summary>The format of an HTML datetime-local input's value.</summary>
    public const string InputFormat = "yyyy-MM-ddTHH:mm";

    public static PlantTime For(Machine machine, IEnumerable<ShiftCalendar> calendars, MaintenanceOptions options)
    {
        var id = calendars.FirstOrDefault(c => c.Id == machine.CalendarId)?.TimeZone ?? options.PlantTimeZone;
        return new PlantTime(id, ExpectedTime.Zone(id));
    }

    public DateTime Local(DateTime utc) => TimeZoneInfo.ConvertTimeFromUtc(DateTime.SpecifyKind(utc, DateTimeKind.Utc), Zone);

    /// <summary>"2026-12-07 14:05" in this zone.</summary>
    public string Show(DateTime utc) => Local(utc).ToString("yyyy-MM-dd HH:mm", CultureInfo.InvariantCulture);

    public string Input(DateTime utc) => Local(utc).ToString(InputFormat, CultureInfo.InvariantCulture);

    /// <summary>A datetime-local value read in this zone, as the ISO 8601 UTC instant Core takes; null when it is not a date and time.</summary>
    public string? ToInstant(string? local) =>
        DateTime.TryParseExact(local, [InputFormat, InputFormat + ":ss"], CultureInfo.InvariantCulture, DateTimeStyles.None, out var value)
            ? ExpectedTime.ToUtc(value, Zone).ToString("yyyy-MM-ddTHH:mm:ssZ", CultureInfo.InvariantCulture)
            : null;
}
