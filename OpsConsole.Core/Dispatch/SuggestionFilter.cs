using System.Linq.Expressions;
using OpsConsole.Core.Shared.Results;

namespace OpsConsole.Core.Dispatch;

/// <summary>A suggestion filter as a caller sends it: text, as in a query string; <see cref="SuggestionFilter.Read"/> checks it.</summary>
public sealed record SuggestionFilterInput(string? StationId = null, string? FromStationId = null, string? ToStationId = null, string? MinQty = null,
    string? MaxQty = null, string? OlderThanMinutes = null, string? NewerThanMinutes = null);

/// <summary>
/// Which pending suggestions a supervisor means: by station (from or to), quantity range and age. The approval page
/// filters with it and the API's bulk decisions "on a filter" resolve it on the server with the same rules.
/// </summary>
public sealed record SuggestionFilter(int? StationId = null, int? FromStationId = null, int? ToStationId = null,
    int? MinQty = null, int? MaxQty = null, int? OlderThanMinutes = null, int? NewerThanMinutes = null)
{
    public bool IsEmpty => this == new SuggestionFilter();

    /// <summary>Minutes are bounded so that "older than" stays a date: a year.</summary>
    public const int MaxMinutes = 525_600;

    /// <summary>
    /// A filter sent as text (the approval page's address) under the names of the bulk decisions' filter; each error
    /// names its field.
    /// </summary>
    public static SuggestionFilter Read(FieldErrors errors, SuggestionFilterInput input)
    {
        var filter = new SuggestionFilter(
            errors.OptionalInt("station_id", input.StationId, 1, int.MaxValue),
            errors.OptionalInt("from_station_id", input.FromStationId, 1, int.MaxValue),
            errors.OptionalInt("to_station_id", input.ToStationId, 1, int.MaxValue),
            errors.OptionalInt("min_qty", input.MinQty, 1, int.MaxValue),
            errors.OptionalInt("max_qty", input.MaxQty, 1, int.MaxValue),
            errors.OptionalInt("older_than_minutes", input.OlderThanMinutes, 0, MaxMinutes),
            errors.OptionalInt("newer_than_minutes", input.NewerThanMinutes, 0, MaxMinutes));
        filter.Validate(errors, prefix: "");
        return filter;
    }

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

    public void Validate(FieldErrors errors, string prefix = "filter.")
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
