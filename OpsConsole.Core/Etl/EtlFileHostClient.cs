using System.Net.Http.Json;
using System.Text.Json;
using System.Text.Json.Serialization;
using OpsConsole.Core.Shared.Upstreams;

namespace OpsConsole.Core.Etl;

/// <summary>What the file host lists for a (branch, pos, date): `fetch_list2.php` (docs/upstreams/etl.md).</summary>
public sealed record RemoteFile(
    [property: JsonPropertyName("name")] string Name,
    [property: JsonPropertyName("type")] string Type,
    [property: JsonPropertyName("bytes")] long Bytes);

/// <summary>A failure that says what went wrong in words an operator can act on; <see cref="Retriable"/> ones are tried again.</summary>
public sealed class EtlFailure(string message, bool retriable, Exception? inner = null) : Exception(message, inner)
{
    public bool Retriable { get; } = retriable;

    /// <summary>No error but no data: the file host lists no files for the day (yet). The job waits for data (ADR 0022).</summary>
    public bool AwaitingData { get; private init; }

    /// <summary>
    /// The file host has nothing for the cell: not tried again within this run (the files will not appear in seconds);
    /// the hourly missing-data scan queues it again.
    /// </summary>
    public static EtlFailure NoFilesYet(string branchId, int pos, DateOnly date) =>
        new($"The file host lists no files for {branchId} POS {pos} on {date:yyyy-MM-dd} (yet).", retriable: false) { AwaitingData = true };
}

/// <summary>
/// The seed's remote file host (docs/upstreams/etl.md) over the resilient "etl" client: the day's file list and each
/// file's content. Every failure is an <see cref="EtlFailure"/> naming the step, counted in `etl.fetch.failures`.
/// </summary>
public sealed class EtlFileHostClient(IHttpClientFactory clients, IUpstreamAddresses upstreams, EtlMetrics metrics)
{
    public const int MaxNameLength = 260;
    public const int MaxTypeLength = 32;

    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    /// <summary>`fetch_list2.php?branch=&amp;pos=&amp;date=`: the files of one cell (empty when the host has none yet).</summary>
    public async Task<IReadOnlyList<RemoteFile>> ListAsync(string branchId, int pos, DateOnly date, CancellationToken ct)
    {
        var url = $"fetch_list2.php?branch={Uri.EscapeDataString(branchId)}&pos={pos}&date={date:yyyy-MM-dd}";
        try
        {
            using var response = await Client().GetAsync(url, ct);
            if (!response.IsSuccessStatusCode)
            {
                throw new EtlFailure($"Listing files failed: the file host answered {(int)response.StatusCode} {response.ReasonPhrase}.", retriable: true);
            }
            var files = await response.Content.ReadFromJsonAsync<List<RemoteFile>>(Json, ct)
                ?? throw new EtlFailure("Listing files failed: the file host sent an empty answer.", retriable: true);
            if (files.Any(f => string.IsNullOrWhiteSpace(f.Name) || string.IsNullOrWhiteSpace(f.Type) || f.Name.Length > MaxNameLength || f.Type.Length > MaxTypeLength))
            {
                throw new EtlFailure("Listing files failed: the file host listed a file without a usable name or type.", retriable: true);
            }
            return files;
        }
        catch (EtlFailure)
        {
            metrics.FetchFailures.Add(1, new KeyValuePair<string, object?>("step", "list"));
            throw;
        }
        catch (Exception ex) when (!ct.IsCancellationRequested)
        {
            // Network errors, timeouts, an open circuit breaker, a body that is not the expected JSON.
            metrics.FetchFailures.Add(1, new KeyValuePair<string, object?>("step", "list"));
            throw new EtlFailure($"Listing files failed: {ex.Message}", retriable: true, ex);
        }
    }

    /// <summary>`download.php?file=`: hands the content to <paramref name="store"/> as it streams in, and returns what that gave.</summary>
    public async Task<T> DownloadAsync<T>(RemoteFile remote, Func<Stream, CancellationToken, Task<T>> store, CancellationToken ct)
    {
        try
        {
            using var response = await Client().GetAsync($"download.php?file={Uri.EscapeDataString(remote.Name)}", HttpCompletionOption.ResponseHeadersRead, ct);
            if (!response.IsSuccessStatusCode)
            {
                throw new EtlFailure($"Downloading {remote.Name} failed: the file host answered {(int)response.StatusCode} {response.ReasonPhrase}.", retriable: true);
            }
            await using var body = await response.Content.ReadAsStreamAsync(ct);
            return await store(body, ct);
        }
        catch (Exception ex) when (ex is not EtlFailure && !ct.IsCancellationRequested)
        {
            metrics.FetchFailures.Add(1, new KeyValuePair<string, object?>("step", "download"));
            throw new EtlFailure($"Downloading {remote.Name} failed: {ex.Message}", retriable: true, ex);
        }
        catch (EtlFailure)
        {
            metrics.FetchFailures.Add(1, new KeyValuePair<string, object?>("step", "download"));
            throw;
        }
    }

    private HttpClient Client()
    {
        var client = clients.CreateClient(EtlModule.FileHost);
        client.BaseAddress = upstreams.BaseAddress(EtlModule.FileHost)
            ?? throw new EtlFailure("No ETL file host is configured (Upstreams:etl:BaseUrl) and the simulators are off.", retriable: false);
        return client;
    }
}
