using OpsConsole.Core.Shared.Identity;
using System.Globalization;
using CsvHelper;
using CsvHelper.Configuration;
using OpsConsole.Core.Shared.Auditing;
using OpsConsole.Core.Shared.Csv;
using OpsConsole.Core.Shared.Results;

namespace OpsConsole.Core.Dispatch;

public sealed record CsvProblem(int Line, string Field, string Message);

public sealed record CsvImportResult(int Imported, IReadOnlyList<CsvProblem> Problems)
{
    public bool Succeeded => Problems.Count == 0;
}

/// <summary>
/// Suggestions from a CSV file with the header `from_station_id,to_station_id,qty,reason`. Every row is checked
/// first; one bad row means nothing is stored, and the report names each row's line (the file's own, <see cref="CsvLines"/>),
/// field and problem. A quote that never closes is a problem at the line it opened on (the rows after it were never read).
/// A station the directory does not know is a problem at its line, when the directory knows any stations (a person
/// typing a file mistypes ids; the ML engine's API posts are not checked, as seed 4 has no station list).
/// </summary>
public sealed class SuggestionCsvImport(DispatchService dispatch, StationDirectory stations, AccountGate gate)
{
    public const long MaxBytes = 10 * 1024 * 1024;
    private static readonly string[] Header = ["from_station_id", "to_station_id", "qty", "reason"];

    public async Task<CsvImportResult> ImportAsync(Actor actor, Stream csvStream, CancellationToken ct = default)
    {
        await gate.EnsureAsync(actor, OpsPolicies.Supervise, ct);
        var problems = new List<CsvProblem>();
        var rows = new List<NewSuggestion>();
        var known = await stations.NamesAsync(ct);
        using var reader = new StreamReader(csvStream, detectEncodingFromByteOrderMarks: true);
        var lines = new CsvLines();
        var config = lines.Configure(new CsvConfiguration(CultureInfo.InvariantCulture)
        {
            TrimOptions = TrimOptions.Trim,
            MissingFieldFound = null,
            DetectColumnCountChanges = false,
        });
        using var csv = new CsvReader(reader, config);
        // Every cell of a record is read (not only the named ones), so a quote that never closes is found in any column.
        async Task<bool> NextRecordAsync()
        {
            while (await csv.ReadAsync())
            {
                lines.Next(csv.Parser);
                if (!CsvLines.IsBlank(csv.Parser.Record))
                {
                    return true;
                }
            }
            return false;
        }
        CsvProblem Unclosed(UnclosedQuote quote) => new(quote.Line, "quote", char.ToUpperInvariant(quote.Message[0]) + quote.Message[1..] + ".");

        if (!await NextRecordAsync() || !csv.ReadHeader())
        {
            return new CsvImportResult(0, [new CsvProblem(1, "header", "The file is empty; the first line must be the header " + string.Join(",", Header) + ".")]);
        }
        if (lines.Unclosed is { } inHeader)
        {
            return new CsvImportResult(0, [Unclosed(inHeader)]);
        }
        var headerLine = lines.Line;
        var header = csv.HeaderRecord!.Select(h => h.Trim().ToLowerInvariant()).ToArray();
        foreach (var missing in Header.Take(3).Where(h => !header.Contains(h)))
        {
            problems.Add(new CsvProblem(headerLine, "header", $"The header has no '{missing}' column (expected {string.Join(",", Header)})."));
        }
        if (problems.Count > 0)
        {
            return new CsvImportResult(0, problems);
        }
        while (await NextRecordAsync())
        {
            ct.ThrowIfCancellationRequested();
            if (lines.Unclosed is { } quote)
            {
                problems.Add(Unclosed(quote));
                break;
            }
            var line = lines.Line;
            if (rows.Count >= DispatchService.MaxBatch)
            {
                problems.Add(new CsvProblem(line, "file", $"At most {DispatchService.MaxBatch} suggestions per file."));
                break;
            }
            var before = problems.Count;
            var from = Number(csv, "from_station_id", line, problems);
            var to = Number(csv, "to_station_id", line, problems);
            var qty = Number(csv, "qty", line, problems);
            var reason = header.Contains("reason") ? csv.GetField("reason") : null;
            var suggestion = new NewSuggestion(from, to, qty, string.IsNullOrWhiteSpace(reason) ? null : reason);
            if (problems.Count == before)
            {
                var errors = new FieldErrors();
                DispatchService.Validate(errors, "", suggestion);
                var result = errors.ToResult<int>();
                problems.AddRange(result.Errors.SelectMany(e => e.Value.Select(m => new CsvProblem(line, e.Key, m))));
                UnknownStation(known, "from_station_id", from, line, problems);
                UnknownStation(known, "to_station_id", to, line, problems);
            }
            rows.Add(suggestion);
        }
        if (problems.Count == 0 && rows.Count == 0)
        {
            problems.Add(new CsvProblem(headerLine + 1, "file", "The file has a header but no suggestions."));
        }
        if (problems.Count > 0)
        {
            return new CsvImportResult(0, problems);
        }
        var stored = await dispatch.StoreSuggestionsAsync(actor, rows, ct);
        return stored.Succeeded
            ? new CsvImportResult(stored.Value!.Count, [])
            : new CsvImportResult(0, stored.Errors.SelectMany(e => e.Value.Select(m => new CsvProblem(0, e.Key, m))).ToList());
    }

    private static void UnknownStation(IReadOnlyDictionary<int, string> known, string field, int? id, int line, List<CsvProblem> problems)
    {
        if (known.Count > 0 && id is > 0 && !known.ContainsKey(id.Value))
        {
            problems.Add(new CsvProblem(line, field, $"{field} {id} is not a known station."));
        }
    }

    private static int? Number(CsvReader csv, string field, int line, List<CsvProblem> problems)
    {
        var raw = csv.GetField(field);
        if (string.IsNullOrWhiteSpace(raw))
        {
            problems.Add(new CsvProblem(line, field, $"{field} is missing."));
            return null;
        }
        if (!int.TryParse(raw, NumberStyles.Integer, CultureInfo.InvariantCulture, out var value))
        {
            problems.Add(new CsvProblem(line, field, $"{field} '{raw}' is not a whole number."));
            return null;
        }
        return value;
    }
}
