using System.Globalization;
using CsvHelper;
using CsvHelper.Configuration;
using Microsoft.EntityFrameworkCore;
using OpsConsole.Core.Shared.Auditing;
using OpsConsole.Core.Shared.Csv;
using OpsConsole.Core.Shared.Data;
using OpsConsole.Core.Shared.Events;
using OpsConsole.Core.Shared.Identity;
using OpsConsole.Core.Shared.Results;

namespace OpsConsole.Core.Maintenance;

/// <summary>How an import runs: a dry run only reports; a real run with bad rows stores nothing unless <see cref="ValidRowsOnly"/>.</summary>
public sealed record ProductionImportRequest(bool DryRun, bool ValidRowsOnly, string? FileName = null);

/// <summary>One problem of the file: its line (the file's own, blank lines count), the column, the value as written, what is wrong.</summary>
public sealed record ProductionRowProblem(int Line, string Column, string? Value, string Message);

/// <summary>
/// What an import found and did. <see cref="Readable"/> is false when the file itself was refused (empty, a bad header,
/// too many rows, a quote that never closes): then no row was considered. Counts are what was stored, or for a dry run
/// what would be; <see cref="ReplacedTelemetry"/> counts updates of rows the machines' live counts had written.
/// </summary>
public sealed record ProductionImportReport(bool DryRun, bool ValidRowsOnly, bool Readable, bool Stored, int Rows, int ValidRows, int InvalidRows,
    int Inserted, int Updated, int Unchanged, int ReplacedTelemetry, IReadOnlyList<ProductionRowProblem> Problems)
{
    /// <summary>A real run that stored nothing because rows were bad and the caller did not choose "import the valid rows".</summary>
    public bool RefusedForBadRows => Readable && !DryRun && !ValidRowsOnly && InvalidRows > 0;

    internal static ProductionImportReport Unreadable(ProductionImportRequest request, params ProductionRowProblem[] problems) =>
        new(request.DryRun, request.ValidRowsOnly, false, false, 0, 0, 0, 0, 0, 0, 0, problems);
}

/// <summary>
/// Production records from a CSV file (issue 18 item 6, ADR 0029): header
/// <c>machine,date,shift,good,scrap,run_minutes,planned_minutes</c> in any order and case. Every row is checked and
/// reported (line, column, value, message); a dry run writes nothing and says what a real run would insert, update or
/// leave unchanged. A real run upserts on (machine, date, shift) in one transaction with its audit line, so the same
/// file twice changes nothing; with bad rows it stores nothing unless the caller chose "import the valid rows".
/// An import wins over a machine's live (MQTT) counts for the same key: it replaces them, and the telemetry writer
/// leaves rows whose source is <see cref="ProductionSource.Import"/> alone.
/// </summary>
public sealed class ProductionImport(IDbContextFactory<OpsDbContext> contexts, IOpsEventStream events, TimeProvider time, AccountGate gate)
{
    public const long MaxBytes = 2 * 1024 * 1024;
    public const int MaxRows = 10_000;
    /// <summary>How many problems a report lists (a file of 10,000 bad rows would otherwise answer with a huge report).</summary>
    public const int MaxProblems = 1_000;
    public const int MaxShiftLength = 50;
    public const int MaxShiftMinutes = 24 * 60;

    public static readonly string[] Columns = ["machine", "date", "shift", "good", "scrap", "run_minutes", "planned_minutes"];
    public static string Header => string.Join(",", Columns);

    private const int MachineColumn = 0, DateColumn = 1, ShiftColumn = 2, GoodColumn = 3, ScrapColumn = 4, RunColumn = 5, PlannedColumn = 6;

    private sealed record Row(int Line, int MachineId, DateOnly Date, string Shift, int Good, int Scrap, int RunSeconds, int PlannedSeconds);

    private sealed record MachineInfo(int Id, string Code, IReadOnlyDictionary<string, CalendarShift>? Shifts);

    private enum Outcome
    {
        Insert,
        Update,
        Unchanged,
    }

    public async Task<ProductionImportReport> ImportAsync(Actor actor, Stream csvStream, ProductionImportRequest request, CancellationToken ct = default)
    {
        await gate.EnsureAsync(actor, OpsPolicies.Operate, ct);
        if (csvStream.CanSeek && csvStream.Length > MaxBytes)
        {
            return ProductionImportReport.Unreadable(request, new ProductionRowProblem(0, "file", null, $"The file is larger than {MaxBytes / 1024 / 1024} MB; split it."));
        }
        var machines = await MachinesAsync(ct);
        var read = await ReadAsync(csvStream, request, machines, ct);
        if (read.Unreadable is { } unreadable)
        {
            return unreadable;
        }
        var (rows, problems, total) = (read.Rows, read.Problems, read.Total);
        var badLines = problems.Select(p => p.Line).ToHashSet();
        var valid = rows.Where(r => !badLines.Contains(r.Line)).ToList();
        var invalid = total - valid.Count;
        var shown = problems.OrderBy(p => p.Line).Take(MaxProblems).ToList();
        if (!request.DryRun && invalid > 0 && !request.ValidRowsOnly)
        {
            return new ProductionImportReport(false, false, true, false, total, valid.Count, invalid, 0, 0, 0, 0, shown);
        }
        var counts = request.DryRun ? await ClassifyAsync(valid, ct) : await StoreAsync(actor, valid, total, invalid, request, ct);
        return new ProductionImportReport(request.DryRun, request.ValidRowsOnly, true, !request.DryRun && counts.Inserted + counts.Updated > 0, total,
            valid.Count, invalid, counts.Inserted, counts.Updated, counts.Unchanged, counts.ReplacedTelemetry, shown);
    }

    private sealed record ReadResult(List<Row> Rows, List<ProductionRowProblem> Problems, int Total, ProductionImportReport? Unreadable);

    private async Task<ReadResult> ReadAsync(Stream csvStream, ProductionImportRequest request, MachineCodes machines, CancellationToken ct)
    {
        var rows = new List<Row>();
        var problems = new List<ProductionRowProblem>();
        ReadResult Refuse(params ProductionRowProblem[] p) => new([], [], 0, ProductionImportReport.Unreadable(request, p));
        using var reader = new StreamReader(csvStream, detectEncodingFromByteOrderMarks: true);
        var lines = new CsvLines();
        var config = lines.Configure(new CsvConfiguration(CultureInfo.InvariantCulture)
        {
            TrimOptions = TrimOptions.Trim,
            MissingFieldFound = null,
            DetectColumnCountChanges = false,
            HasHeaderRecord = false,
        });
        using var csv = new CsvReader(reader, config);
        async Task<string[]?> NextRecordAsync()
        {
            while (await csv.ReadAsync())
            {
                lines.Next(csv.Parser);
                if (!CsvLines.IsBlank(csv.Parser.Record))
                {
                    return csv.Parser.Record;
                }
            }
            return null;
        }
        ProductionRowProblem Unclosed(UnclosedQuote quote) => new(quote.Line, "quote", null, char.ToUpperInvariant(quote.Message[0]) + quote.Message[1..] + ".");

        var headerCells = await NextRecordAsync();
        if (headerCells is null)
        {
            return Refuse(new ProductionRowProblem(1, "header", null, $"The file is empty; its first line must be the header {Header}."));
        }
        if (lines.Unclosed is { } inHeader)
        {
            return Refuse(Unclosed(inHeader));
        }
        var headerLine = lines.Line;
        var index = ReadHeader(headerCells, headerLine, out var headerProblems);
        if (headerProblems.Count > 0)
        {
            return Refuse([.. headerProblems]);
        }
        var firstLine = new Dictionary<(int, DateOnly, string), int>();
        var duplicates = new HashSet<int>();
        var total = 0;
        var tomorrow = DateOnly.FromDateTime(time.GetUtcNow().UtcDateTime).AddDays(1);
        while (await NextRecordAsync() is { } cells)
        {
            ct.ThrowIfCancellationRequested();
            if (lines.Unclosed is { } quote)
            {
                return Refuse(Unclosed(quote));
            }
            var line = lines.Line;
            if (++total > MaxRows)
            {
                return Refuse(new ProductionRowProblem(line, "file", null, $"The file has more than {MaxRows:N0} rows; split it into smaller files."));
            }
            var before = problems.Count;
            string? Cell(int column) => index[column] < cells.Length ? cells[index[column]] : null;
            void Problem(int column, string message) => problems.Add(new ProductionRowProblem(line, Columns[column], Clip(Cell(column)), message));
            if (cells.Length > headerCells.Length)
            {
                problems.Add(new ProductionRowProblem(line, "row", null, $"The row has {cells.Length} cells, the header {headerCells.Length}: a comma too many?"));
            }

            MachineInfo? machine = null;
            var code = Cell(MachineColumn);
            if (string.IsNullOrWhiteSpace(code))
            {
                Problem(MachineColumn, "machine is missing.");
            }
            else if ((machine = machines.Find(code)) is null)
            {
                Problem(MachineColumn, $"machine '{Clip(code)}' is not a known machine code.");
            }

            DateOnly? date = null;
            var dateText = Cell(DateColumn);
            if (string.IsNullOrWhiteSpace(dateText))
            {
                Problem(DateColumn, "date is missing.");
            }
            else if (!DateOnly.TryParseExact(dateText, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var d))
            {
                Problem(DateColumn, "date must be a date written YYYY-MM-DD.");
            }
            else if (d > tomorrow)
            {
                Problem(DateColumn, "date is in the future.");
            }
            else
            {
                date = d;
            }

            string? shift = null;
            CalendarShift? calendarShift = null;
            var shiftText = Cell(ShiftColumn);
            if (string.IsNullOrWhiteSpace(shiftText))
            {
                Problem(ShiftColumn, "shift is missing.");
            }
            else if (shiftText.Length > MaxShiftLength)
            {
                Problem(ShiftColumn, $"shift must be at most {MaxShiftLength} characters.");
            }
            else if (machine?.Shifts is { } shifts)
            {
                if (shifts.TryGetValue(shiftText, out calendarShift))
                {
                    shift = calendarShift.Name;
                }
                else
                {
                    Problem(ShiftColumn, $"shift '{Clip(shiftText)}' is not a shift of {machine.Code}'s calendar ({OpsNames.List(shifts.Values.Select(s => s.Name).Distinct().ToList())}).");
                }
            }
            else
            {
                shift = shiftText;
            }

            var good = Count(GoodColumn);
            var scrap = Count(ScrapColumn);
            var run = Count(RunColumn);
            var planned = Count(PlannedColumn);
            if (planned is { } p && p > (calendarShift?.DurationMinutes ?? MaxShiftMinutes))
            {
                Problem(PlannedColumn, calendarShift is null
                    ? $"planned_minutes may be at most {MaxShiftMinutes} (a day)."
                    : $"planned_minutes is longer than shift {calendarShift.Name} ({calendarShift.DurationMinutes} minutes).");
            }
            if (run is { } r && planned is { } pl && r > pl)
            {
                Problem(RunColumn, $"run_minutes ({r}) is more than planned_minutes ({pl}).");
            }
            if (machine is not null && date is { } day && shift is not null)
            {
                var key = (machine.Id, day, shift);
                if (firstLine.TryGetValue(key, out var first))
                {
                    Problem(ShiftColumn, $"{machine.Code}, {day:yyyy-MM-dd}, shift {shift} is also on line {first}: each machine, date and shift once per file.");
                    if (duplicates.Add(first))
                    {
                        problems.Add(new ProductionRowProblem(first, Columns[ShiftColumn], shift,
                            $"{machine.Code}, {day:yyyy-MM-dd}, shift {shift} is also on line {line}: each machine, date and shift once per file."));
                    }
                }
                else
                {
                    firstLine[key] = line;
                }
            }
            if (problems.Count == before)
            {
                rows.Add(new Row(line, machine!.Id, date!.Value, shift!, good!.Value, scrap!.Value, run!.Value * 60, planned!.Value * 60));
            }

            int? Count(int column)
            {
                var text = Cell(column);
                var name = Columns[column];
                if (string.IsNullOrWhiteSpace(text))
                {
                    Problem(column, $"{name} is missing.");
                    return null;
                }
                if (!long.TryParse(text, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var value))
                {
                    Problem(column, $"{name} must be a whole number.");
                    return null;
                }
                if (value < 0)
                {
                    Problem(column, $"{name} may not be negative.");
                    return null;
                }
                if (value > int.MaxValue / 60)
                {
                    Problem(column, $"{name} is too large.");
                    return null;
                }
                return (int)value;
            }
        }
        if (total == 0)
        {
            return Refuse(new ProductionRowProblem(headerLine + 1, "file", null, "The file has a header but no rows."));
        }
        return new ReadResult(rows, problems, total, null);
    }

    /// <summary>The position of each of <see cref="Columns"/> in the header; unknown, missing and repeated columns are problems.</summary>
    private static int[] ReadHeader(string[] cells, int line, out List<ProductionRowProblem> problems)
    {
        problems = [];
        var index = Enumerable.Repeat(-1, Columns.Length).ToArray();
        for (var i = 0; i < cells.Length; i++)
        {
            var name = cells[i].Trim().TrimStart('\uFEFF');
            var column = Array.FindIndex(Columns, c => c.Equals(name, StringComparison.OrdinalIgnoreCase));
            if (column < 0)
            {
                problems.Add(new ProductionRowProblem(line, "header", Clip(name),
                    name.Length == 0 ? $"Column {i + 1} of the header has no name (expected {Header})." : $"Unknown column '{Clip(name)}' (expected {Header})."));
            }
            else if (index[column] >= 0)
            {
                problems.Add(new ProductionRowProblem(line, "header", name, $"The column '{Columns[column]}' appears twice."));
            }
            else
            {
                index[column] = i;
            }
        }
        for (var c = 0; c < Columns.Length; c++)
        {
            if (index[c] < 0)
            {
                problems.Add(new ProductionRowProblem(line, "header", null, $"The header has no '{Columns[c]}' column (expected {Header})."));
            }
        }
        return index;
    }

    private async Task<MachineCodes> MachinesAsync(CancellationToken ct)
    {
        await using var db = await contexts.CreateDbContextAsync(ct);
        var machines = await db.Machines.AsNoTracking().Select(m => new { m.Id, m.Code, m.CalendarId }).ToListAsync(ct);
        var shifts = (await db.CalendarShifts.AsNoTracking().ToListAsync(ct)).GroupBy(s => s.CalendarId)
            .ToDictionary(g => g.Key, g => (IReadOnlyDictionary<string, CalendarShift>)g.GroupBy(s => s.Name, StringComparer.OrdinalIgnoreCase)
                .ToDictionary(s => s.Key, s => s.First(), StringComparer.OrdinalIgnoreCase));
        return new MachineCodes(machines.Select(m => new MachineInfo(m.Id, m.Code,
            m.CalendarId is { } c ? shifts.GetValueOrDefault(c) ?? new Dictionary<string, CalendarShift>() : null)).ToList());
    }

    /// <summary>Machines by code: the exact code first, then a match without regard to case where that names one machine.</summary>
    private sealed class MachineCodes(IReadOnlyList<MachineInfo> machines)
    {
        private readonly Dictionary<string, MachineInfo> _exact = machines.ToDictionary(m => m.Code, StringComparer.Ordinal);
        private readonly Dictionary<string, MachineInfo> _folded = machines.GroupBy(m => m.Code, StringComparer.OrdinalIgnoreCase)
            .Where(g => g.Count() == 1).ToDictionary(g => g.Key, g => g.First(), StringComparer.OrdinalIgnoreCase);

        public MachineInfo? Find(string code) => _exact.GetValueOrDefault(code) ?? _folded.GetValueOrDefault(code);
    }

    private readonly record struct Counts(int Inserted, int Updated, int Unchanged, int ReplacedTelemetry);

    private static Outcome Classify(ProductionRecord? existing, Row row) => existing is null ? Outcome.Insert
        : existing.Good == row.Good && existing.Scrap == row.Scrap && existing.RunSeconds == row.RunSeconds && existing.PlannedSeconds == row.PlannedSeconds
          && existing.Source == ProductionSource.Import ? Outcome.Unchanged
        : Outcome.Update;

    private static IQueryable<ProductionRecord> Existing(OpsDbContext db, IReadOnlyList<Row> rows)
    {
        var machineIds = rows.Select(r => r.MachineId).Distinct().ToList();
        var (from, to) = (rows.Min(r => r.Date), rows.Max(r => r.Date));
        return db.ProductionRecords.Where(r => machineIds.Contains(r.MachineId) && r.Date >= from && r.Date <= to);
    }

    private static Counts Tally(IReadOnlyList<Row> rows, Dictionary<(int, DateOnly, string), ProductionRecord> existing)
    {
        int inserted = 0, updated = 0, unchanged = 0, telemetry = 0;
        foreach (var row in rows)
        {
            var found = existing.GetValueOrDefault((row.MachineId, row.Date, row.Shift));
            switch (Classify(found, row))
            {
                case Outcome.Insert: inserted++; break;
                case Outcome.Unchanged: unchanged++; break;
                default:
                    updated++;
                    telemetry += found!.Source == ProductionSource.Telemetry ? 1 : 0;
                    break;
            }
        }
        return new Counts(inserted, updated, unchanged, telemetry);
    }

    /// <summary>A dry run: what a real run would do now, read without writing.</summary>
    private async Task<Counts> ClassifyAsync(IReadOnlyList<Row> rows, CancellationToken ct)
    {
        if (rows.Count == 0)
        {
            return default;
        }
        await using var db = await contexts.CreateDbContextAsync(ct);
        var existing = (await Existing(db, rows).AsNoTracking().ToListAsync(ct)).ToDictionary(r => (r.MachineId, r.Date, r.Shift));
        return Tally(rows, existing);
    }

    private async Task<Counts> StoreAsync(Actor actor, IReadOnlyList<Row> rows, int total, int invalid, ProductionImportRequest request, CancellationToken ct)
    {
        if (rows.Count == 0)
        {
            return default;
        }
        var machineIds = rows.Select(r => r.MachineId).Distinct().ToList();
        await using var db = await contexts.CreateDbContextAsync(ct);
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                var counts = await db.Database.CreateExecutionStrategy().ExecuteAsync(async () =>
                {
                    db.ChangeTracker.Clear();
                    await using var tx = await db.Database.BeginTransactionAsync(ct);
                    // The first statement is a write to the file's machines: their row locks (SQLite: the write lock) keep
                    // two imports of the same machines from reading the same "before" and both inserting.
                    await db.Machines.Where(m => machineIds.Contains(m.Id)).ExecuteUpdateAsync(s => s.SetProperty(m => m.Version, m => m.Version), ct);
                    var existing = (await Existing(db, rows).ToListAsync(ct)).ToDictionary(r => (r.MachineId, r.Date, r.Shift));
                    var counts = Tally(rows, existing);
                    var now = time.GetUtcNow().UtcDateTime;
                    var changed = new List<object>();
                    foreach (var row in rows)
                    {
                        var found = existing.GetValueOrDefault((row.MachineId, row.Date, row.Shift));
                        switch (Classify(found, row))
                        {
                            case Outcome.Insert:
                                db.ProductionRecords.Add(new ProductionRecord
                                {
                                    MachineId = row.MachineId, Date = row.Date, Shift = row.Shift, Good = row.Good, Scrap = row.Scrap, RunSeconds = row.RunSeconds,
                                    PlannedSeconds = row.PlannedSeconds, Source = ProductionSource.Import, UpdatedAt = now,
                                });
                                break;
                            case Outcome.Update:
                                if (changed.Count < 50)
                                {
                                    changed.Add(new
                                    {
                                        found!.MachineId, Date = found.Date.ToString("yyyy-MM-dd"), found.Shift, found.Good, found.Scrap, found.RunSeconds,
                                        found.PlannedSeconds, Source = found.Source.Wire(),
                                    });
                                }
                                (found!.Good, found.Scrap, found.RunSeconds, found.PlannedSeconds) = (row.Good, row.Scrap, row.RunSeconds, row.PlannedSeconds);
                                (found.Source, found.UpdatedAt) = (ProductionSource.Import, now);
                                break;
                        }
                    }
                    db.Audit(actor, now, MaintenanceModule.Name, "production.import", "ProductionRecord", Clip(request.FileName, 100) ?? $"{total} rows",
                        changed.Count == 0 ? null : new { Updated = changed },
                        new
                        {
                            File = Clip(request.FileName, 100), Rows = total, Invalid = invalid, request.ValidRowsOnly, counts.Inserted, counts.Updated,
                            counts.Unchanged, counts.ReplacedTelemetry,
                        });
                    await db.SaveChangesAsync(ct);
                    await tx.CommitAsync(ct);
                    return counts;
                });
                if (counts.Inserted + counts.Updated > 0)
                {
                    events.Publish(new ProductionChanged(machineIds, rows.Min(r => r.Date), rows.Max(r => r.Date)));
                }
                return counts;
            }
            catch (DbUpdateException) when (attempt < 4)
            {
                // The machines' live counts inserted one of the keys meanwhile (they take no machine lock): read again.
            }
        }
    }

    private static string? Clip(string? text, int length = 60) => text is null || text.Length <= length ? text : text[..length] + "…";
}
