using System.Linq.Expressions;

namespace OpsConsole.Core.Dispatch;

/// <summary>
/// Which pending suggestions a supervisor means: by station (from or to), quantity range and age. The approval page
/// filters with it and the API's bulk decisions "on a filter" resolve it on the server with the same rules.
/// </summary>
public sealed record SuggestionFilter(int? StationId = null, int? FromStationId = null, int? ToStationId = null,
    int? MinQty = null, int? MaxQty = null, int? OlderThanMinutes = null, int? NewerThanMinutes = null)
{
    public bool IsEmpty => this == new SuggestionFilter();

    public Expression<Func<Suggestion, bool>> Predicate(DateTime nowUtc)
    {
        var station = StationId;
        var from = FromStationId;
        var to = ToStationId;
        var minQty = MinQty;
        var maxQty = MaxQty;
        var olderThan = OlderThanMinutes is { } o ? nowUtc.AddMinutes(-o) : (DateTime?)null;
        var newerThan = NewerThanMinutes is { } n ? nowUtc.AddMinutes(-n) : (DateTime?)null;
        return s => s.Status == SuggestionStatus.Pending
            && (station == null || s.FromStationId == station || s.ToStationId == station)
            && (from == null || s.FromStationId == from)
            && (to == null || s.ToStationId == to)
            && (minQty == null || s.Qty >= minQty)
            && (maxQty == null || s.Qty <= maxQty)
            && (olderThan == null || s.CreatedAt <= olderThan)
            && (newerThan == null || s.CreatedAt >= newerThan);
    }

    public void Validate(Shared.Results.FieldErrors errors, string prefix = "filter.")
    {
        foreach (var (name, value) in new (string, int?)[] { ("station_id", StationId), ("from_station_id", FromStationId), ("to_station_id", ToStationId) })
        {
            if (value is <= 0)
            {
                errors.Add(prefix + name, $"{name} must be a positive station id.");
            }
        }
        if (MinQty is <= 0)
        {
            errors.Add(prefix + "min_qty", "min_qty must be at least 1.");
        }
        if (MaxQty is <= 0 || (MaxQty is { } max && MinQty is { } min && max < min))
        {
            errors.Add(prefix + "max_qty", "max_qty must be at least 1 and not below min_qty.");
        }
        if (OlderThanMinutes is < 0)
        {
            errors.Add(prefix + "older_than_minutes", "older_than_minutes cannot be negative.");
        }
        if (NewerThanMinutes is < 0)
        {
            errors.Add(prefix + "newer_than_minutes", "newer_than_minutes cannot be negative.");
        }
    }
}
