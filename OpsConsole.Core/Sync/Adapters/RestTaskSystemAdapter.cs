using System.Globalization;
using System.Net;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.Extensions.Options;
using OpsConsole.Core.Shared.Upstreams;

namespace OpsConsole.Core.Sync.Adapters;

/// <summary>
/// The generic REST/JSON adapter: a task system described by a <see cref="RestTaskSystemConfig"/>, reached through its
/// upstream's resilient named HttpClient (retries, timeouts, breaker; no retries of writes, see ADR 0034). Answers are
/// read with the configured property names; a malformed answer is a <see cref="TaskSystemException"/> naming the call.
/// </summary>
public sealed class RestTaskSystemAdapter(RestTaskSystemConfig config, IHttpClientFactory clients, IUpstreamAddresses addresses,
    IOptionsMonitor<UpstreamOptions> upstreams) : ITaskSystemAdapter
{
    public const string IdempotencyKeyHeader = "Idempotency-Key";

    public IReadOnlyList<string> Fields => config.Fields;
    public RateLimitHint? LastRateLimit { get; private set; }

    public async Task<TaskPage> ListChangedAsync(DateTime? since, string? page, CancellationToken ct)
    {
        var query = new List<string>();
        if (since is { } s)
        {
            query.Add($"{config.ChangedSinceParam}={Uri.EscapeDataString(s.ToUniversalTime().ToString("O", CultureInfo.InvariantCulture))}");
        }
        var pageNumber = 1;
        if (config.Paging == PagingStyle.PageNumber)
        {
            pageNumber = page is null ? 1 : int.Parse(page, CultureInfo.InvariantCulture);
            query.Add($"{config.PageParam}={pageNumber}");
        }
        else if (page is not null)
        {
            query.Add($"{config.PageParam}={Uri.EscapeDataString(page)}");
        }
        query.Add($"{config.PageSizeParam}={config.PageSize}");
        var path = $"{config.ItemsPath}?{string.Join('&', query)}";
        var body = await SendAsync(HttpMethod.Get, path, null, null, write: false, ct) as JsonObject
            ?? throw new TaskSystemException($"GET {path}: the answer is not a JSON object.", uncertain: false);
        var items = Items(body, $"GET {path}");
        string? next = config.Paging == PagingStyle.PageNumber
            ? body[config.HasMoreProperty] is JsonValue more && more.TryGetValue<bool>(out var hasMore) && hasMore ? (pageNumber + 1).ToString(CultureInfo.InvariantCulture) : null
            : body[config.NextCursorProperty] is JsonValue cursor && cursor.TryGetValue<string>(out var c) && c.Length > 0 ? c : null;
        return new TaskPage(items, next, LastRateLimit);
    }

    public async Task<RemoteTask?> GetAsync(string id, CancellationToken ct)
    {
        var path = ItemPath(id);
        var body = await SendAsync(HttpMethod.Get, path, null, null, write: false, ct);
        return body is null ? null : Task(body, $"GET {path}");
    }

    public async Task<RemoteTask> CreateAsync(IReadOnlyDictionary<string, string?> fields, string marker, string idempotencyKey, CancellationToken ct)
    {
        var body = Body(fields);
        body[config.MarkerField] = config.MarkerField is { } mf && fields.GetValueOrDefault(mf) is { Length: > 0 } existing && existing != marker
            ? $"{existing}\n{marker}" : marker;
        var answer = await SendAsync(HttpMethod.Post, config.ItemsPath, body, config.SendsIdempotencyKey ? idempotencyKey : null, write: true, ct)
            ?? throw new TaskSystemException($"POST {config.ItemsPath}: answered 404.", uncertain: false, status: 404);
        return Task(answer, $"POST {config.ItemsPath}");
    }

    public async Task<RemoteTask?> UpdateAsync(string id, IReadOnlyDictionary<string, string?> fields, CancellationToken ct)
    {
        var path = ItemPath(id);
        var answer = await SendAsync(HttpMethod.Patch, path, Body(fields), null, write: true, ct);
        return answer is null ? null : Task(answer, $"PATCH {path}");
    }

    public async Task<bool> ArchiveAsync(string id, bool delete, CancellationToken ct)
    {
        var archiveByPost = !delete && config.ArchiveSuffix is { Length: > 0 };
        var path = archiveByPost ? $"{ItemPath(id)}/{config.ArchiveSuffix}" : ItemPath(id);
        var answer = await SendAsync(archiveByPost ? HttpMethod.Post : HttpMethod.Delete, path, null, null, write: true, ct, emptyIsOk: true);
        return answer is not null;
    }

    public async Task<IReadOnlyList<RemoteTask>> SearchByMarkerAsync(string marker, CancellationToken ct)
    {
        var path = $"{config.SearchPath}?{config.SearchParam}={Uri.EscapeDataString(marker)}";
        var body = await SendAsync(HttpMethod.Get, path, null, null, write: false, ct) as JsonObject
            ?? throw new TaskSystemException($"GET {path}: the answer is not a JSON object.", uncertain: false);
        // A text search may match more than the marker (a description quoting it): keep exact holders only.
        return Items(body, $"GET {path}").Where(t => HoldsMarker(t.Fields.GetValueOrDefault(config.MarkerField), marker)).ToList();
    }

    private static bool HoldsMarker(string? value, string marker) =>
        value is not null && value.Split('\n', StringSplitOptions.TrimEntries).Contains(marker, StringComparer.Ordinal);

    private string ItemPath(string id) => $"{config.ItemsPath}/{Uri.EscapeDataString(id)}";

    private static JsonObject Body(IReadOnlyDictionary<string, string?> fields)
    {
        var body = new JsonObject();
        foreach (var (name, value) in fields)
        {
            body[name] = value;
        }
        return body;
    }

    private IReadOnlyList<RemoteTask> Items(JsonObject body, string call)
    {
        if (body[config.ItemsProperty] is not JsonArray array)
        {
            throw new TaskSystemException($"{call}: the answer has no '{config.ItemsProperty}' array.", uncertain: false);
        }
        return array.Select((node, i) => Task(node ?? throw new TaskSystemException($"{call}: item {i} is null.", uncertain: false), $"{call}: item {i}")).ToList();
    }

    private RemoteTask Task(JsonNode node, string where)
    {
        if (node is not JsonObject item)
        {
            throw new TaskSystemException($"{where}: the task is not a JSON object.", uncertain: false);
        }
        var id = Text(item[config.IdField]) ?? throw new TaskSystemException($"{where}: the task has no '{config.IdField}'.", uncertain: false);
        var updatedAt = Time(config.UpdatedAtField) ?? throw new TaskSystemException($"{where}: task {id} has no '{config.UpdatedAtField}'.", uncertain: false);
        var createdAt = config.CreatedAtField is { } createdField ? Time(createdField) : null;
        var fields = new Dictionary<string, string?>(StringComparer.Ordinal);
        foreach (var field in config.Fields.Append(config.MarkerField).Distinct())
        {
            fields[field] = Text(item[field]);
        }
        var archived = config.ArchivedField is { } af && item[af] is JsonValue flag && flag.TryGetValue<bool>(out var a) && a;
        return new RemoteTask(id, fields, updatedAt, config.VersionField is { } vf ? Text(item[vf]) : null, archived, createdAt);

        DateTime? Time(string field)
        {
            if (Text(item[field]) is not { } text)
            {
                return null;
            }
            return DateTime.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.AdjustToUniversal | DateTimeStyles.AssumeUniversal, out var at)
                ? DateTime.SpecifyKind(at, DateTimeKind.Utc)
                : throw new TaskSystemException($"{where}: task {id}'s '{field}' is not a time ('{text}').", uncertain: false);
        }
    }

    /// <summary>A JSON scalar as text (numbers in their JSON form, true/false), null for null or an empty string.</summary>
    private static string? Text(JsonNode? node) => node switch
    {
        null => null,
        JsonValue v when v.TryGetValue<string>(out var s) => s.Length == 0 ? null : s,
        JsonValue v => v.ToJsonString(),
        _ => node.ToJsonString(),
    };

    /// <summary>Sends one call; null for 404 (and for an empty success when <paramref name="emptyIsOk"/> gives an empty object).</summary>
    private async Task<JsonNode?> SendAsync(HttpMethod method, string path, JsonObject? body, string? idempotencyKey, bool write, CancellationToken ct,
        bool emptyIsOk = false)
    {
        var call = $"{method} {path}";
        var baseAddress = config.BaseUrl is { Length: > 0 } url ? new Uri(url.EndsWith('/') ? url : url + "/")
            : addresses.BaseAddress(config.Upstream) ?? throw new TaskSystemException($"{call}: no address for '{config.Upstream}' (no base URL and the simulators are off).", uncertain: false);
        using var request = new HttpRequestMessage(method, new Uri(baseAddress, path));
        if (config.AuthHeader is { Length: > 0 } header)
        {
            var value = config.AuthValue is { Length: > 0 } v ? v : upstreams.Get(config.Upstream).ApiKey;
            if (value is { Length: > 0 })
            {
                request.Headers.TryAddWithoutValidation(header, value);
            }
        }
        if (idempotencyKey is not null)
        {
            request.Headers.Add(IdempotencyKeyHeader, idempotencyKey);
        }
        if (body is not null)
        {
            request.Content = new StringContent(body.ToJsonString(), Encoding.UTF8, "application/json");
        }
        HttpResponseMessage response;
        try
        {
            response = await clients.CreateClient(config.Upstream).SendAsync(request, ct);
        }
        catch (Exception ex) when (!ct.IsCancellationRequested && ex is HttpRequestException or TaskCanceledException or TimeoutException
            or Polly.Timeout.TimeoutRejectedException or Polly.CircuitBreaker.BrokenCircuitException)
        {
            throw new TaskSystemException($"{call}: {ex.Message}", uncertain: write, ex);
        }
        using (response)
        {
            LastRateLimit = Hint(response);
            if (response.StatusCode == HttpStatusCode.NotFound)
            {
                return null;
            }
            var text = await response.Content.ReadAsStringAsync(ct);
            if (response.StatusCode == HttpStatusCode.TooManyRequests)
            {
                throw new TaskSystemRateLimitedException($"{call}: rate limited (429), retry after {LastRateLimit?.RetryAfter?.TotalSeconds ?? 0:0} s.", LastRateLimit?.RetryAfter);
            }
            if (!response.IsSuccessStatusCode)
            {
                var status = (int)response.StatusCode;
                throw new TaskSystemException($"{call}: HTTP {status} {Shorten(text)}", uncertain: write && status >= 500, status: status);
            }
            if (text.Length == 0)
            {
                return emptyIsOk ? new JsonObject() : throw new TaskSystemException($"{call}: the answer is empty.", uncertain: false);
            }
            try
            {
                return JsonNode.Parse(text) ?? throw new TaskSystemException($"{call}: the answer is null.", uncertain: false);
            }
            catch (JsonException ex)
            {
                // A write whose answer cannot be read may still have happened.
                throw new TaskSystemException($"{call}: the answer is not JSON ({ex.Message}).", uncertain: write, ex);
            }
        }
    }

    private static RateLimitHint? Hint(HttpResponseMessage response)
    {
        int? remaining = response.Headers.TryGetValues("X-RateLimit-Remaining", out var values)
            && int.TryParse(values.FirstOrDefault(), NumberStyles.Integer, CultureInfo.InvariantCulture, out var r) ? r : null;
        var retryAfter = response.Headers.RetryAfter is { } ra ? ra.Delta ?? (ra.Date is { } d ? d - DateTimeOffset.UtcNow : null) : null;
        return remaining is null && retryAfter is null ? null : new RateLimitHint(remaining, retryAfter);
    }

    private static string Shorten(string text) => text.Length <= 200 ? text : text[..200] + "…";
}

/// <summary>Makes the adapter of one side of a connection.</summary>
public sealed class TaskSystemAdapters(IHttpClientFactory clients, IUpstreamAddresses addresses, IOptionsMonitor<UpstreamOptions> upstreams, SyncRateLimits rateLimits)
{
    /// <summary>The system's adapter, its calls paced by the system's token bucket (ADR 0036).</summary>
    public ITaskSystemAdapter For(RestTaskSystemConfig config) =>
        new RateLimitedTaskSystemAdapter(new RestTaskSystemAdapter(config, clients, addresses, upstreams), rateLimits.For(config));
}
