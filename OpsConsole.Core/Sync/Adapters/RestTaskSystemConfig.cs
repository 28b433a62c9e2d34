using System.Text.Json.Serialization;

namespace OpsConsole.Core.Sync.Adapters;

public enum PagingStyle
{
    /// <summary>`page`=1,2,… with `page_size`; the answer says whether more follow (<see cref="RestTaskSystemConfig.HasMoreProperty"/>).</summary>
    PageNumber,
    /// <summary>An opaque cursor: the answer's <see cref="RestTaskSystemConfig.NextCursorProperty"/> goes back as <see cref="RestTaskSystemConfig.PageParam"/>.</summary>
    Cursor,
}

/// <summary>
/// How the generic REST/JSON adapter reaches one task system: where (an upstream's resilient client, its address or
/// a base URL of its own), with which auth header, under which paths, how it pages, and which JSON properties hold the
/// id, the time of the last change, the version, the archived flag and the marker. Stored with the connection (JSON).
/// </summary>
public sealed record RestTaskSystemConfig
{
    /// <summary>The upstream whose resilient HttpClient carries the calls (`Upstreams:{name}`), and whose address is used without <see cref="BaseUrl"/>.</summary>
    public string Upstream { get; init; } = "";
    public string? BaseUrl { get; init; }
    /// <summary>The auth header's name (`X-Api-Key`, `Authorization`); none when empty.</summary>
    public string? AuthHeader { get; init; }
    /// <summary>The auth header's value; empty: the upstream's `ApiKey`.</summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public string? AuthValue { get; init; }

    /// <summary>The collection, relative to the base address (`api/tasks`); one task is `{ItemsPath}/{id}`.</summary>
    public string ItemsPath { get; init; } = "api/tasks";
    /// <summary>Where a search goes (`api/tasks/search`), with <see cref="SearchParam"/>.</summary>
    public string SearchPath { get; init; } = "api/tasks/search";
    public string SearchParam { get; init; } = "q";
    /// <summary>Archive: POST `{ItemsPath}/{id}/{ArchiveSuffix}`; empty: archiving is a DELETE.</summary>
    public string? ArchiveSuffix { get; init; } = "archive";
    public string ChangedSinceParam { get; init; } = "updated_since";

    public PagingStyle Paging { get; init; } = PagingStyle.PageNumber;
    public string PageParam { get; init; } = "page";
    public string PageSizeParam { get; init; } = "page_size";
    public int PageSize { get; init; } = 100;
    /// <summary>The array of tasks in a list's answer.</summary>
    public string ItemsProperty { get; init; } = "items";
    public string HasMoreProperty { get; init; } = "has_more";
    public string NextCursorProperty { get; init; } = "next_cursor";

    public string IdField { get; init; } = "id";
    public string UpdatedAtField { get; init; } = "updated_at";
    /// <summary>When the system created a task (optional): what a connection's "only items created after" reads.</summary>
    public string? CreatedAtField { get; init; }
    public string? VersionField { get; init; } = "version";
    public string? ArchivedField { get; init; } = "archived";
    /// <summary>The field that carries the marker `opsconsole:{connection}:{source id}` (a field of its own, or the description).</summary>
    public string MarkerField { get; init; } = "external_ref";
    /// <summary>Send an `Idempotency-Key` header with each create (for systems that honour it).</summary>
    public bool SendsIdempotencyKey { get; init; }

    /// <summary>The task fields the system has (its schema): what a field map may name.</summary>
    public IReadOnlyList<string> Fields { get; init; } = [];

    /// <summary>
    /// Where a person opens one item in the system's own web UI, with `{id}` for the item's id
    /// (`https://jira.example/browse/{id}`); none: the console's pages show the id without a link.
    /// </summary>
    public string? BrowseUrl { get; init; }

    /// <summary>The item's address in the system's own UI, when it has one.</summary>
    public string? BrowseAddress(string? id) =>
        BrowseUrl is { Length: > 0 } template && id is { Length: > 0 } ? template.Replace("{id}", Uri.EscapeDataString(id), StringComparison.Ordinal) : null;
}
