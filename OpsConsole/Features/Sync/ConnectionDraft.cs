using System.Globalization;
using OpsConsole.Core.Shared.Results;
using OpsConsole.Core.Sync;
using OpsConsole.Core.Sync.Adapters;

namespace OpsConsole.Features.Sync;

/// <summary>
/// The connection editor's form as the admin types it (lists and value maps as text); <see cref="ToRequest"/> turns it into
/// Core's <see cref="ConnectionRequest"/>, which Core checks against both sides' schemas. Error keys are Core's
/// (`field_map[2].destination`), so each message lands next to its field.
/// </summary>
public sealed class ConnectionDraft
{
    public string? Name { get; set; }
    public SideDraft Source { get; set; } = new();
    public SideDraft Destination { get; set; } = new();
    public List<FieldMapDraft> FieldMap { get; set; } = [];
    public ConflictPolicy Policy { get; set; } = ConflictPolicy.NewestWins;
    public string? FilterField { get; set; }
    public string? FilterValues { get; set; }
    /// <summary>"Only items created after" as the date input gives it (`yyyy-MM-dd`, UTC midnight); empty: every item.</summary>
    public string? CreatedAfter { get; set; }
    public DeletePolicy DeletePolicy { get; set; } = DeletePolicy.Ignore;
    public int? ScheduleSeconds { get; set; } = 300;
    public bool Paused { get; set; }
    public int? Version { get; set; }

    /// <summary>A draft of a stored connection (its version kept for the edit), or a copy of one as a new connection.</summary>
    public static ConnectionDraft From(SyncConnection c, bool asCopy = false) => new()
    {
        Name = asCopy ? $"{c.Name} (copy)" : c.Name, Source = SideDraft.From(c.Source), Destination = SideDraft.From(c.Destination),
        FieldMap = c.FieldMap.Select(FieldMapDraft.From).ToList(), Policy = c.Policy, FilterField = c.Filter?.Field,
        FilterValues = c.Filter is { } f ? string.Join(", ", f.Values) : null,
        CreatedAfter = c.CreatedAfter?.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture), DeletePolicy = c.DeletePolicy, ScheduleSeconds = c.ScheduleSeconds,
        Paused = c.Paused, Version = asCopy ? null : c.Version,
    };

    /// <summary>A new connection between the two built-in upstreams, with one empty field row.</summary>
    public static ConnectionDraft New() => new()
    {
        Source = SideDraft.From(new RestTaskSystemConfig { Upstream = SyncModule.SourceUpstream }),
        Destination = SideDraft.From(new RestTaskSystemConfig { Upstream = SyncModule.DestinationUpstream }),
        FieldMap = [new FieldMapDraft()],
    };

    /// <summary>The request, and the errors of what could not be read as typed (a value map without "="), under Core's keys.</summary>
    public (ConnectionRequest Request, FieldErrors Errors) ToRequest()
    {
        var errors = new FieldErrors();
        var map = FieldMap.Select((row, i) => row.ToMapping(errors, $"field_map[{i}]")).ToList();
        var filter = FilterField is { Length: > 0 } field ? new SyncFilter(field.Trim(), SplitList(FilterValues)) : null;
        DateTime? createdAfter = null;
        if (!string.IsNullOrWhiteSpace(CreatedAfter))
        {
            if (DateTime.TryParseExact(CreatedAfter.Trim(), "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal, out var day))
            {
                createdAfter = DateTime.SpecifyKind(day, DateTimeKind.Utc);
            }
            else
            {
                errors.Add("created_after", $"'{CreatedAfter}' is not a date (yyyy-MM-dd).");
            }
        }
        return (new ConnectionRequest(Name, Source.ToConfig(), Destination.ToConfig(), map, Policy, filter, DeletePolicy, ScheduleSeconds, Paused, Version, createdAfter), errors);
    }

    public static IReadOnlyList<string> SplitList(string? text) =>
        (text ?? "").Split([',', '\n'], StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).Distinct(StringComparer.Ordinal).ToList();
}

/// <summary>One side's adapter settings as the form edits them; the settings the form does not show are kept from <see cref="Rest"/>.</summary>
public sealed class SideDraft
{
    public RestTaskSystemConfig Rest { get; set; } = new();
    public string Upstream { get; set; } = "";
    public string? BaseUrl { get; set; }
    public string? AuthHeader { get; set; }
    /// <summary>Write-only: empty keeps the stored value (it is never shown).</summary>
    public string? AuthValue { get; set; }
    public string ItemsPath { get; set; } = "";
    public PagingStyle Paging { get; set; }
    public int PageSize { get; set; }
    public string IdField { get; set; } = "";
    public string UpdatedAtField { get; set; } = "";
    public string? CreatedAtField { get; set; }
    public string MarkerField { get; set; } = "";
    public string FieldsText { get; set; } = "";
    public string? BrowseUrl { get; set; }
    public bool SendsIdempotencyKey { get; set; }

    public IReadOnlyList<string> Fields => ConnectionDraft.SplitList(FieldsText);

    public static SideDraft From(RestTaskSystemConfig c) => new()
    {
        Rest = c with { AuthValue = null }, Upstream = c.Upstream, BaseUrl = c.BaseUrl, AuthHeader = c.AuthHeader, ItemsPath = c.ItemsPath, Paging = c.Paging,
        PageSize = c.PageSize, IdField = c.IdField, UpdatedAtField = c.UpdatedAtField, CreatedAtField = c.CreatedAtField, MarkerField = c.MarkerField, FieldsText = string.Join(", ", c.Fields),
        BrowseUrl = c.BrowseUrl, SendsIdempotencyKey = c.SendsIdempotencyKey,
    };

    public RestTaskSystemConfig ToConfig() => Rest with
    {
        Upstream = Upstream.Trim(), BaseUrl = Blank(BaseUrl), AuthHeader = Blank(AuthHeader), AuthValue = Blank(AuthValue), ItemsPath = ItemsPath.Trim(),
        Paging = Paging, PageSize = PageSize, IdField = IdField.Trim(), UpdatedAtField = UpdatedAtField.Trim(), CreatedAtField = Blank(CreatedAtField), MarkerField = MarkerField.Trim(),
        Fields = Fields, BrowseUrl = Blank(BrowseUrl), SendsIdempotencyKey = SendsIdempotencyKey,
    };

    private static string? Blank(string? text) => string.IsNullOrWhiteSpace(text) ? null : text.Trim();
}

/// <summary>One row of the field map: fields, direction, the value map as `todo=open, done=closed`, and a policy of its own (or the connection's).</summary>
public sealed class FieldMapDraft
{
    public string Source { get; set; } = "";
    public string Destination { get; set; } = "";
    public SyncDirection Direction { get; set; } = SyncDirection.Both;
    public string ValuesText { get; set; } = "";
    public ConflictPolicy? Policy { get; set; }

    public static FieldMapDraft From(FieldMapping m) => new()
    {
        Source = m.Source, Destination = m.Destination, Direction = m.Direction, Policy = m.Policy,
        ValuesText = m.Values is { Count: > 0 } values ? string.Join(", ", values.Select(v => $"{v.Key}={v.Value}")) : "",
    };

    public FieldMapping ToMapping(FieldErrors errors, string key)
    {
        var values = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var pair in ConnectionDraft.SplitList(ValuesText))
        {
            if (pair.Split('=', 2, StringSplitOptions.TrimEntries) is [{ Length: > 0 } from, { Length: > 0 } to] && values.TryAdd(from, to))
            {
                continue;
            }
            errors.Add($"{key}.values", string.Create(CultureInfo.InvariantCulture,
                $"'{pair}' is not a 'source value=destination value' pair (or names its source value twice)."));
        }
        return new FieldMapping(Source.Trim(), Destination.Trim(), Direction, values.Count > 0 ? values : null, Policy);
    }
}
