using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.Json.Serialization;
using Microsoft.Extensions.Options;
using OpsConsole.Core.Shared.Upstreams;

namespace OpsConsole.Core.Yard;

/// <summary>The yard system could not be read or changed; the message says which call and why.</summary>
public sealed class YardUpstreamException(string message, Exception? inner = null, HttpStatusCode? status = null) : Exception(message, inner)
{
    public HttpStatusCode? Status { get; } = status;
}

/// <summary>
/// The yard system's API (docs/upstreams/yard.md) over the resilient "yard" client: lists, task detail, PATCH and
/// DELETE, with the API key in X-Api-Key. Every answer is checked for the fields the poller needs; a missing field
/// or a body that is not JSON is a <see cref="YardUpstreamException"/> naming the call, the item and the field.
/// </summary>
public sealed class YardClient(IHttpClientFactory clients, IUpstreamAddresses addresses, IOptionsMonitor<UpstreamOptions> options)
{
    public const string ApiKeyHeader = "X-Api-Key";

    public async Task<IReadOnlyList<YardTaskSummary>> WorkbasketAsync(CancellationToken ct) =>
        Summaries(await GetAsync("api/workbasket/tasks", YardWire.Default.WireTaskList, ct), "workbasket");

    public async Task<IReadOnlyList<YardHostler>> HostlersAsync(CancellationToken ct)
    {
        var list = await GetAsync("api/hostlers", YardWire.Default.WireHostlerList, ct);
        if (list.Hostlers is null)
        {
            throw new YardUpstreamException("GET api/hostlers: the answer has no 'hostlers' array.");
        }
        var hostlers = new List<YardHostler>(list.Hostlers.Count);
        for (var i = 0; i < list.Hostlers.Count; i++)
        {
            var h = list.Hostlers[i];
            var where = $"GET api/hostlers: hostler {i}";
            hostlers.Add(new YardHostler(Required(h.Id, where, "id"), h.Name ?? h.Id!, Required(h.Status, where, "status"),
                h.StatusSince ?? throw Missing(where, "status_since")));
        }
        return hostlers;
    }

    public async Task<IReadOnlyList<YardTaskSummary>> HostlerTasksAsync(string hostlerId, CancellationToken ct) =>
        Summaries(await GetAsync($"api/hostlers/{Uri.EscapeDataString(hostlerId)}/tasks", YardWire.Default.WireTaskList, ct), $"hostler {hostlerId}");

    /// <summary>The task's detail; null when the yard system answers 404 (the task went between a list and this read).</summary>
    public async Task<YardTask?> TaskAsync(string id, CancellationToken ct)
    {
        var path = $"api/tasks/{Uri.EscapeDataString(id)}";
        using var response = await SendAsync(new HttpRequestMessage(HttpMethod.Get, path), ct);
        if (response.StatusCode == HttpStatusCode.NotFound)
        {
            return null;
        }
        await EnsureSuccessAsync(response, $"GET {path}", ct);
        return Detail(await ReadAsync(response, YardWire.Default.WireTask, $"GET {path}", ct), $"GET {path}");
    }

    /// <summary>Changes the given fields (snake_case names, see <see cref="YardTask.PatchableFields"/>); null when the task is gone.</summary>
    public async Task<YardTask?> PatchAsync(string id, IReadOnlyDictionary<string, JsonNode?> fields, CancellationToken ct)
    {
        var body = new JsonObject();
        foreach (var (name, value) in fields)
        {
            body[name] = value?.DeepClone();
        }
        var path = $"api/tasks/{Uri.EscapeDataString(id)}";
        using var response = await SendAsync(new HttpRequestMessage(HttpMethod.Patch, path) { Content = JsonContent.Create(body) }, ct);
        if (response.StatusCode == HttpStatusCode.NotFound)
        {
            return null;
        }
        await EnsureSuccessAsync(response, $"PATCH {path}", ct);
        return Detail(await ReadAsync(response, YardWire.Default.WireTask, $"PATCH {path}", ct), $"PATCH {path}");
    }

    /// <summary>Deletes the task; false when it was already gone.</summary>
    public async Task<bool> DeleteAsync(string id, CancellationToken ct)
    {
        var path = $"api/tasks/{Uri.EscapeDataString(id)}";
        using var response = await SendAsync(new HttpRequestMessage(HttpMethod.Delete, path), ct);
        if (response.StatusCode == HttpStatusCode.NotFound)
        {
            return false;
        }
        await EnsureSuccessAsync(response, $"DELETE {path}", ct);
        return true;
    }

    /// <summary>
    /// One read of the hostler list past the circuit breaker (no retries, the attempt timeout): whether the yard system
    /// answers again while the breaker still refuses calls. Throws <see cref="YardUpstreamException"/> when it does not.
    /// </summary>
    public async Task ProbeAsync(CancellationToken ct)
    {
        const string path = "api/hostlers";
        using var response = await SendAsync(new HttpRequestMessage(HttpMethod.Get, path), ct, UpstreamBreakers.ProbeClient(YardModule.Upstream));
        await EnsureSuccessAsync(response, $"GET {path}", ct);
    }

    private async Task<T> GetAsync<T>(string path, System.Text.Json.Serialization.Metadata.JsonTypeInfo<T> type, CancellationToken ct)
    {
        using var response = await SendAsync(new HttpRequestMessage(HttpMethod.Get, path), ct);
        await EnsureSuccessAsync(response, $"GET {path}", ct);
        return await ReadAsync(response, type, $"GET {path}", ct);
    }

    private async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken ct, string client = YardModule.Upstream)
    {
        var baseAddress = addresses.BaseAddress(YardModule.Upstream)
            ?? throw new YardUpstreamException("No yard system is configured (Upstreams:yard:BaseUrl) and the simulators are off.");
        request.RequestUri = new Uri(baseAddress, request.RequestUri!);
        if (options.Get(YardModule.Upstream).ApiKey is { Length: > 0 } key)
        {
            request.Headers.Add(ApiKeyHeader, key);
        }
        try
        {
            return await clients.CreateClient(client).SendAsync(request, HttpCompletionOption.ResponseHeadersRead, ct);
        }
        catch (Exception ex) when (!ct.IsCancellationRequested && ex is HttpRequestException or TaskCanceledException or TimeoutException
            or Polly.Timeout.TimeoutRejectedException or Polly.CircuitBreaker.BrokenCircuitException)
        {
            var why = ex switch
            {
                Polly.Timeout.TimeoutRejectedException or TaskCanceledException or TimeoutException => "timed out",
                Polly.CircuitBreaker.BrokenCircuitException => "not tried: the circuit breaker is open after repeated failures",
                _ => ex.Message,
            };
            throw new YardUpstreamException($"{request.Method} {request.RequestUri.AbsolutePath}: {why}", ex);
        }
        finally
        {
            request.Dispose();
        }
    }

    private static async Task EnsureSuccessAsync(HttpResponseMessage response, string call, CancellationToken ct)
    {
        if (response.IsSuccessStatusCode)
        {
            return;
        }
        var hint = response.StatusCode is HttpStatusCode.Unauthorized or HttpStatusCode.Forbidden ? " (check Upstreams:yard:ApiKey)" : "";
        var body = await response.Content.ReadAsStringAsync(ct);
        throw new YardUpstreamException($"{call} answered HTTP {(int)response.StatusCode} {response.ReasonPhrase}{hint}: {Shorten(body)}",
            status: response.StatusCode);
    }

    private static async Task<T> ReadAsync<T>(HttpResponseMessage response, System.Text.Json.Serialization.Metadata.JsonTypeInfo<T> type,
        string call, CancellationToken ct)
    {
        try
        {
            await using var stream = await response.Content.ReadAsStreamAsync(ct);
            return await JsonSerializer.DeserializeAsync(stream, type, ct) ?? throw new YardUpstreamException($"{call}: the answer is JSON null.");
        }
        catch (JsonException ex)
        {
            throw new YardUpstreamException($"{call}: the answer is not the expected JSON ({ex.Message})", ex);
        }
    }

    private static List<YardTaskSummary> Summaries(WireTaskList list, string where)
    {
        if (list.Tasks is null)
        {
            throw new YardUpstreamException($"{where}: the answer has no 'tasks' array.");
        }
        var tasks = new List<YardTaskSummary>(list.Tasks.Count);
        for (var i = 0; i < list.Tasks.Count; i++)
        {
            var t = list.Tasks[i];
            var at = $"{where}: task {i}";
            tasks.Add(new YardTaskSummary(Required(t.Id, at, "id"), Required(t.Status, at, "status"), t.HostlerId,
                t.Version ?? throw Missing(at, "version")));
        }
        return tasks;
    }

    private static YardTask Detail(WireTask t, string where) => new(
        Required(t.Id, where, "id"), t.Type ?? "move", Required(t.TrailerId, where, "trailer_id"), Required(t.Status, where, "status"),
        t.HostlerId, t.Priority ?? throw Missing(where, "priority"), t.Origin, t.Destination,
        t.CreatedAt ?? throw Missing(where, "created_at"), t.UpdatedAt ?? t.CreatedAt.Value, t.Version ?? throw Missing(where, "version"), t.Notes);

    private static string Required(string? value, string where, string field) =>
        string.IsNullOrEmpty(value) ? throw Missing(where, field) : value;

    private static YardUpstreamException Missing(string where, string field) => new($"{where} has no '{field}'.");

    /// <summary>A ProblemDetails body says it in "detail" (or "title"); anything else is cut to 200 characters.</summary>
    private static string Shorten(string text)
    {
        try
        {
            using var problem = JsonDocument.Parse(text);
            if (problem.RootElement.ValueKind == JsonValueKind.Object
                && (problem.RootElement.TryGetProperty("detail", out var said) || problem.RootElement.TryGetProperty("title", out said))
                && said.ValueKind == JsonValueKind.String)
            {
                text = said.GetString()!;
            }
        }
        catch (JsonException)
        {
        }
        return text.Length <= 200 ? text : text[..200] + "…";
    }
}

internal sealed class WireTaskList
{
    public List<WireTask>? Tasks { get; set; }
}

internal sealed class WireHostlerList
{
    public List<WireHostler>? Hostlers { get; set; }
}

internal sealed class WireHostler
{
    public string? Id { get; set; }
    public string? Name { get; set; }
    public string? Status { get; set; }
    public DateTime? StatusSince { get; set; }
}

internal sealed class WireTask
{
    public string? Id { get; set; }
    public string? Type { get; set; }
    public string? TrailerId { get; set; }
    public string? Status { get; set; }
    public string? HostlerId { get; set; }
    public int? Priority { get; set; }
    public string? Origin { get; set; }
    public string? Destination { get; set; }
    public DateTime? CreatedAt { get; set; }
    public DateTime? UpdatedAt { get; set; }
    public int? Version { get; set; }
    public string? Notes { get; set; }
}

[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.SnakeCaseLower)]
[JsonSerializable(typeof(WireTaskList))]
[JsonSerializable(typeof(WireHostlerList))]
[JsonSerializable(typeof(WireTask))]
internal sealed partial class YardWire : JsonSerializerContext;
