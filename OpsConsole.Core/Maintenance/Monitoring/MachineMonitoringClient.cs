using System.Net;
using System.Text.Json;
using System.Text.Json.Serialization;
using System.Text.Json.Serialization.Metadata;
using Microsoft.Extensions.Options;
using OpsConsole.Core.Shared.Upstreams;

namespace OpsConsole.Core.Maintenance.Monitoring;

/// <summary>Why a call to the machine-monitoring upstream failed: what the proxy answers (503, 504 or 502) follows from it.</summary>
public enum MonitoringFailure
{
    /// <summary>No address and no simulator, the connection refused, or the breaker open: 503.</summary>
    Unavailable,
    /// <summary>No answer within the attempt or total timeout: 504.</summary>
    TimedOut,
    /// <summary>An HTTP error from the upstream: 502.</summary>
    Refused,
    /// <summary>An answer that is not the contract's JSON or lacks a field: 502.</summary>
    BadAnswer,
}

/// <summary>The machine-monitoring upstream could not be read; the message names the call and, for a bad answer, the item and field.</summary>
public sealed class MachineMonitoringException(string message, MonitoringFailure failure, Exception? inner = null, HttpStatusCode? status = null)
    : Exception(message, inner)
{
    public MonitoringFailure Failure { get; } = failure;
    public HttpStatusCode? Status { get; } = status;
    /// <summary>The call that failed ("GET api/v1/machines"), for the ProblemDetails.</summary>
    public string? Call { get; init; }
}

/// <summary>One machine as the upstream sees it now: its raw state and since when.</summary>
public sealed record MonitoredMachine(string MachineId, string? Name, string Status, DateTime StatusSince);

/// <summary>A stretch of one upstream state in a machine's history.</summary>
public sealed record MonitoredPeriod(string Status, DateTime Start, DateTime End);

/// <summary>A machine's state history over a window, with the upstream's utilisation (producing time / window) when it gives one.</summary>
public sealed record MonitoringHistory(string MachineId, DateTime From, DateTime To, IReadOnlyList<MonitoredPeriod> Periods, double? Utilisation);

/// <summary>
/// The machine-monitoring upstream's API (the seed's FourJaw proxy, docs/upstreams/machine-monitoring.md) over the
/// resilient "machine-monitoring" client: the machines with their current state, one machine, a machine's history.
/// Read-only. Every answer is checked for the fields the console needs; a missing field or a body that is not JSON
/// is a <see cref="MachineMonitoringException"/> naming the call, the item and the field, as <c>YardClient</c> does.
/// </summary>
public sealed class MachineMonitoringClient(IHttpClientFactory clients, IUpstreamAddresses addresses, IOptionsMonitor<UpstreamOptions> options)
{
    public const string ApiKeyHeader = "X-Api-Key";
    public const string MachinesPath = "api/v1/machines";

    public async Task<IReadOnlyList<MonitoredMachine>> MachinesAsync(CancellationToken ct)
    {
        var call = $"GET {MachinesPath}";
        var list = await GetAsync(MachinesPath, MonitoringWire.Default.WireMachineList, ct)
            ?? throw Bad(call, $"{call}: the answer is JSON null.");
        if (list.Machines is null)
        {
            throw Bad(call, $"{call}: the answer has no 'machines' array.");
        }
        var machines = new List<MonitoredMachine>(list.Machines.Count);
        for (var i = 0; i < list.Machines.Count; i++)
        {
            machines.Add(Machine(list.Machines[i], call, $"{call}: machine {i}"));
        }
        return machines;
    }

    /// <summary>One machine; null when the upstream answers 404 (it does not know the machine).</summary>
    public async Task<MonitoredMachine?> MachineAsync(string machineId, CancellationToken ct)
    {
        var path = $"{MachinesPath}/{Uri.EscapeDataString(machineId)}";
        var wire = await GetAsync(path, MonitoringWire.Default.WireMachine, ct);
        return wire is null ? null : Machine(wire, $"GET {path}", $"GET {path}");
    }

    /// <summary>The machine's states over [from, to); null when the upstream does not know the machine.</summary>
    public async Task<MonitoringHistory?> HistoryAsync(string machineId, DateTime from, DateTime to, CancellationToken ct)
    {
        var path = $"{MachinesPath}/{Uri.EscapeDataString(machineId)}/history?from={Uri.EscapeDataString(from.ToString("O"))}&to={Uri.EscapeDataString(to.ToString("O"))}";
        var call = $"GET {MachinesPath}/{machineId}/history";
        var wire = await GetAsync(path, MonitoringWire.Default.WireHistory, ct, call);
        if (wire is null)
        {
            return null;
        }
        if (wire.Periods is null)
        {
            throw Bad(call, $"{call}: the answer has no 'periods' array.");
        }
        var periods = new List<MonitoredPeriod>(wire.Periods.Count);
        for (var i = 0; i < wire.Periods.Count; i++)
        {
            var p = wire.Periods[i];
            var where = $"{call}: period {i}";
            periods.Add(new MonitoredPeriod(Required(p.Status, call, where, "status"), Utc(p.Start ?? throw Missing(call, where, "start")),
                Utc(p.End ?? throw Missing(call, where, "end"))));
        }
        return new MonitoringHistory(Required(wire.MachineId, call, call, "machine_id"), from, to, periods, wire.Utilisation);
    }

    private static MonitoredMachine Machine(WireMachine m, string call, string where) => new(Required(m.MachineId, call, where, "machine_id"), m.Name,
        Required(m.Status, call, where, "status"), Utc(m.StatusSince ?? throw Missing(call, where, "status_since")));

    /// <summary>GETs and reads the answer; null on 404.</summary>
    private async Task<T?> GetAsync<T>(string path, JsonTypeInfo<T> type, CancellationToken ct, string? call = null) where T : class
    {
        call ??= $"GET {path}";
        using var response = await SendAsync(path, call, ct);
        if (response.StatusCode == HttpStatusCode.NotFound)
        {
            return null;
        }
        if (!response.IsSuccessStatusCode)
        {
            var hint = response.StatusCode is HttpStatusCode.Unauthorized or HttpStatusCode.Forbidden ? $" (check Upstreams:{MaintenanceModule.MonitoringUpstream}:ApiKey)" : "";
            var body = await response.Content.ReadAsStringAsync(ct);
            var failure = response.StatusCode is HttpStatusCode.ServiceUnavailable ? MonitoringFailure.Unavailable
                : response.StatusCode is HttpStatusCode.GatewayTimeout ? MonitoringFailure.TimedOut : MonitoringFailure.Refused;
            throw new MachineMonitoringException($"{call} answered HTTP {(int)response.StatusCode} {response.ReasonPhrase}{hint}: {Shorten(body)}", failure,
                status: response.StatusCode) { Call = call };
        }
        try
        {
            await using var stream = await response.Content.ReadAsStreamAsync(ct);
            return await JsonSerializer.DeserializeAsync(stream, type, ct);
        }
        catch (JsonException ex)
        {
            var at = ex.Path is { Length: > 1 } jsonPath ? $" at {jsonPath}" : "";
            throw new MachineMonitoringException($"{call}: the answer is not the expected JSON{at} ({ex.Message})", MonitoringFailure.BadAnswer, ex) { Call = call };
        }
    }

    private async Task<HttpResponseMessage> SendAsync(string path, string call, CancellationToken ct)
    {
        var upstream = MaintenanceModule.MonitoringUpstream;
        var baseAddress = addresses.BaseAddress(upstream) ?? throw new MachineMonitoringException(
            $"{call}: no machine-monitoring upstream is configured (Upstreams:{upstream}:BaseUrl) and the simulators are off.", MonitoringFailure.Unavailable) { Call = call };
        using var request = new HttpRequestMessage(HttpMethod.Get, new Uri(baseAddress, path));
        if (options.Get(upstream).ApiKey is { Length: > 0 } key)
        {
            request.Headers.Add(ApiKeyHeader, key);
        }
        try
        {
            return await clients.CreateClient(upstream).SendAsync(request, HttpCompletionOption.ResponseHeadersRead, ct);
        }
        catch (Exception ex) when (!ct.IsCancellationRequested && ex is HttpRequestException or TaskCanceledException or TimeoutException
            or Polly.Timeout.TimeoutRejectedException or Polly.CircuitBreaker.BrokenCircuitException)
        {
            var (why, failure) = ex switch
            {
                Polly.Timeout.TimeoutRejectedException or TaskCanceledException or TimeoutException => ("timed out", MonitoringFailure.TimedOut),
                Polly.CircuitBreaker.BrokenCircuitException => ("not tried: the circuit breaker is open after repeated failures", MonitoringFailure.Unavailable),
                _ => (ex.Message, MonitoringFailure.Unavailable),
            };
            throw new MachineMonitoringException($"{call}: {why}", failure, ex) { Call = call };
        }
    }

    private static DateTime Utc(DateTime at) => at.Kind == DateTimeKind.Utc ? at : DateTime.SpecifyKind(at.ToUniversalTime(), DateTimeKind.Utc);

    private static string Required(string? value, string call, string where, string field) =>
        string.IsNullOrWhiteSpace(value) ? throw Missing(call, where, field) : value;

    private static MachineMonitoringException Missing(string call, string where, string field) =>
        new($"{where} has no '{field}'.", MonitoringFailure.BadAnswer) { Call = call };

    private static MachineMonitoringException Bad(string call, string message) => new(message, MonitoringFailure.BadAnswer) { Call = call };

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

internal sealed class WireMachineList
{
    public List<WireMachine>? Machines { get; set; }
}

internal sealed class WireMachine
{
    public string? MachineId { get; set; }
    public string? Name { get; set; }
    public string? Status { get; set; }
    public DateTime? StatusSince { get; set; }
}

internal sealed class WireHistory
{
    public string? MachineId { get; set; }
    public List<WirePeriod>? Periods { get; set; }
    public double? Utilisation { get; set; }
}

internal sealed class WirePeriod
{
    public string? Status { get; set; }
    public DateTime? Start { get; set; }
    public DateTime? End { get; set; }
}

[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.SnakeCaseLower)]
[JsonSerializable(typeof(WireMachineList))]
[JsonSerializable(typeof(WireMachine))]
[JsonSerializable(typeof(WireHistory))]
internal sealed partial class MonitoringWire : JsonSerializerContext;
