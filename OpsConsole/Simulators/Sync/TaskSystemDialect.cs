using OpsConsole.Core.Sync;
using OpsConsole.Core.Sync.Adapters;

namespace OpsConsole.Simulators.Sync;

/// <summary>
/// How one simulated task system speaks: its paths, property names, paging, vocabularies and auth. The source is
/// shaped like Jira (page numbers, `status` todo/in_progress/done), the destination like Trello (cursors, `state`
/// open/doing/closed, `urgency` 1–3), so that a connection between them needs the field map and value maps.
/// </summary>
public sealed record TaskSystemDialect(
    string Upstream, string IdPrefix, string Collection, string IdField, string UpdatedAtField, string VersionField,
    PagingStyle Paging, string ItemsProperty, string ChangedSinceParam, string PageParam, string PageSizeParam, string SearchParam,
    string AuthHeader, string AuthValue, string MarkerField, IReadOnlyDictionary<string, string[]?> Fields)
{
    public const string ArchivedField = "archived";
    /// <summary>When a task was made, on both systems (read-only, as `updated_at`).</summary>
    public const string CreatedAtField = "created_at";

    /// <summary>The built-in source ("sync-source"): tasks with page-number paging and an API key.</summary>
    public static readonly TaskSystemDialect Source = new(SyncModule.SourceUpstream, "SRC-", "api/tasks", "id", "updated_at", "version",
        PagingStyle.PageNumber, "items", "updated_since", "page", "page_size", "q", "X-Api-Key", "sim-sync-source-key", "external_ref",
        new Dictionary<string, string[]?>
        {
            ["title"] = null, ["description"] = null, ["status"] = ["todo", "in_progress", "done"], ["priority"] = ["low", "medium", "high"],
            ["assignee"] = null, ["due_date"] = null, ["external_ref"] = null,
        });

    /// <summary>The built-in destination ("sync-destination"): cards with cursor paging and a bearer token.</summary>
    public static readonly TaskSystemDialect Destination = new(SyncModule.DestinationUpstream, "CARD-", "api/cards", "key", "modified_at", "rev",
        PagingStyle.Cursor, "data", "modified_after", "cursor", "limit", "query", "Authorization", "Bearer sim-sync-destination-token", "origin_ref",
        new Dictionary<string, string[]?>
        {
            ["name"] = null, ["notes"] = null, ["state"] = ["open", "doing", "closed"], ["urgency"] = ["1", "2", "3"],
            ["owner"] = null, ["due"] = null, ["origin_ref"] = null,
        });

    /// <summary>The generic adapter's configuration that reaches this simulator (the demo connection, tests).</summary>
    public RestTaskSystemConfig AdapterConfig(bool sendsIdempotencyKey = false) => new()
    {
        Upstream = Upstream, AuthHeader = AuthHeader, AuthValue = AuthValue, ItemsPath = Collection, SearchPath = $"{Collection}/search",
        SearchParam = SearchParam, ArchiveSuffix = "archive", ChangedSinceParam = ChangedSinceParam, Paging = Paging, PageParam = PageParam,
        PageSizeParam = PageSizeParam, PageSize = 50, ItemsProperty = ItemsProperty, HasMoreProperty = "has_more", NextCursorProperty = "next_cursor",
        IdField = IdField, UpdatedAtField = UpdatedAtField, CreatedAtField = CreatedAtField, VersionField = VersionField, ArchivedField = ArchivedField, MarkerField = MarkerField,
        SendsIdempotencyKey = sendsIdempotencyKey, Fields = [.. Fields.Keys],
    };
}
