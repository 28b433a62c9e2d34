using System.Globalization;
using CsvHelper;
using CsvHelper.Configuration;

namespace OpsConsole.Core.Etl;

public sealed record RowError(string Field, string Message);

/// <summary>One data row: its first line in the file, the cells as the tokenizer read them, and the record or the errors.</summary>
public sealed record ParsedRow(int Line, IReadOnlyList<string> Cells, EtlRecord? Record, IReadOnlyList<RowError> Errors)
{
    public bool Ok => Errors.Count == 0;
}

/// <summary>
/// Reads a POS file with a branch's <see cref="ParserConfig"/>, row by row (constant memory), through CsvHelper's
/// tokenizer: quoted delimiters and line breaks, CRLF, a byte-order mark. Each row reports its file line.
/// </summary>
public static class PosFileParser
{
    /// <summary>Rows after the header rows. Records carry only the row's own fields; the caller fills job and branch.</summary>
    public static IEnumerable<ParsedRow> Read(Stream stream, ParserConfig config, string fileType)
    {
        using var reader = new StreamReader(stream, config.TextEncoding, detectEncodingFromByteOrderMarks: true);
        using var csv = new CsvParser(reader, CsvSettings(config));
        var lastLine = 0;
        var rowIndex = 0;
        while (csv.Read())
        {
            var line = lastLine + 1;
            lastLine = csv.RawRow;
            rowIndex++;
            var cells = csv.Record ?? [];
            if (rowIndex <= config.HeaderRows || (cells.Length == 1 && cells[0].Length == 0))
            {
                continue;
            }
            if (config.SkipRowsStartingWith is { Length: > 0 } skip && cells.Length > 0 && cells[0].StartsWith(skip, StringComparison.Ordinal))
            {
                continue;
            }
            yield return ParseRow(line, cells, config, fileType);
        }
    }

    /// <summary>Data rows in a file (what the file choice compares), without parsing the fields.</summary>
    public static int CountRows(Stream stream, ParserConfig config)
    {
        // Most files have no quotes: then rows are non-empty lines, counted straight from the bytes. Quoted cells may
        // hold line breaks, so those files (and skip rules) go through the tokenizer.
        if (config.SkipRowsStartingWith is null && stream.CanSeek && CountLinesWithoutQuotes(stream) is { } lines)
        {
            return Math.Max(0, lines - config.HeaderRows);
        }
        stream.Position = stream.CanSeek ? 0 : stream.Position;
        using var reader = new StreamReader(stream, config.TextEncoding, detectEncodingFromByteOrderMarks: true);
        using var csv = new CsvParser(reader, CsvSettings(config));
        var rows = 0;
        while (csv.Read())
        {
            var cells = csv.Record ?? [];
            if (cells.Length == 1 && cells[0].Length == 0)
            {
                continue;
            }
            if (config.SkipRowsStartingWith is { Length: > 0 } skip && cells.Length > 0 && cells[0].StartsWith(skip, StringComparison.Ordinal))
            {
                continue;
            }
            rows++;
        }
        return Math.Max(0, rows - config.HeaderRows);
    }

    private static int? CountLinesWithoutQuotes(Stream stream)
    {
        var buffer = new byte[64 * 1024];
        var lines = 0;
        var inLine = false;
        int read;
        while ((read = stream.Read(buffer, 0, buffer.Length)) > 0)
        {
            var span = buffer.AsSpan(0, read);
            if (span.Contains((byte)'"'))
            {
                stream.Position = 0;
                return null;
            }
            foreach (var b in span)
            {
                if (b is (byte)'\n' or (byte)'\r')
                {
                    lines += inLine ? 1 : 0;
                    inLine = false;
                }
                else
                {
                    inLine = true;
                }
            }
        }
        return lines + (inLine ? 1 : 0);
    }

    private static CsvConfiguration CsvSettings(ParserConfig config) => new(CultureInfo.InvariantCulture)
    {
        Delimiter = config.Delimiter,
        HasHeaderRecord = false,
        TrimOptions = config.TrimCells ? TrimOptions.Trim : TrimOptions.None,
        BadDataFound = null,
        MissingFieldFound = null,
        DetectColumnCountChanges = false,
        IgnoreBlankLines = true,
    };

    public static ParsedRow ParseRow(int line, string[] cells, ParserConfig config, string fileType)
    {
        var errors = new List<RowError>();
        var columns = config.Columns;
        var needed = columns.All().Max(c => c.Index ?? -1) + 1;
        if (cells.Length < needed)
        {
            errors.Add(new RowError("row", $"expected at least {needed} columns, found {cells.Length}"));
            return new ParsedRow(line, cells, null, errors);
        }
        string Cell(int index) => cells[index];
        string? Optional(int? index) => index is { } i && Cell(i).Length > 0 ? Cell(i) : null;

        DateOnly date = default;
        if (!DateOnly.TryParseExact(Cell(columns.Date), config.DateFormat, CultureInfo.InvariantCulture, DateTimeStyles.None, out date))
        {
            errors.Add(new RowError("date", $"'{Clip(Cell(columns.Date))}' is not a date in the format {config.DateFormat}"));
        }
        var time = TimeOnly.MinValue;
        if (columns.Time is { } timeColumn && !TimeOnly.TryParseExact(Cell(timeColumn), config.TimeFormat, CultureInfo.InvariantCulture, DateTimeStyles.None, out time))
        {
            errors.Add(new RowError("time", $"'{Clip(Cell(timeColumn))}' is not a time in the format {config.TimeFormat}"));
        }
        var quantity = Number(Cell(columns.Quantity), config, "quantity", errors);
        var amount = Number(Cell(columns.Amount), config, "amount", errors);
        var tnsc = Cell(columns.Tnsc);
        if (tnsc.Length == 0)
        {
            errors.Add(new RowError("tnsc", "the transaction number is empty"));
        }
        var item = Cell(columns.ItemCode);
        if (item.Length == 0)
        {
            errors.Add(new RowError("item_code", "the item code is empty"));
        }
        foreach (var (field, value, max) in new[] { ("tnsc", tnsc, 64), ("item_code", item, 64), ("department", Optional(columns.Department) ?? "", 64), ("payment_method", Optional(columns.PaymentMethod) ?? "", 32) })
        {
            if (value.Length > max)
            {
                errors.Add(new RowError(field, $"longer than {max} characters"));
            }
        }
        if (errors.Count > 0)
        {
            return new ParsedRow(line, cells, null, errors);
        }
        return new ParsedRow(line, cells, new EtlRecord
        {
            BranchId = "",
            WorkDate = date,
            SoldAt = DateTime.SpecifyKind(date.ToDateTime(time), DateTimeKind.Utc),
            Tnsc = tnsc,
            ItemCode = config.UppercaseItemCodes ? item.ToUpperInvariant() : item,
            Department = Optional(columns.Department),
            Quantity = quantity,
            Amount = amount,
            PaymentMethod = Optional(columns.PaymentMethod)?.ToLowerInvariant(),
            FileType = fileType,
            SourceLine = line,
        }, errors);
    }

    private static decimal Number(string text, ParserConfig config, string field, List<RowError> errors)
    {
        var cleaned = config.StripFromNumbers.Length == 0 ? text : string.Concat(text.Where(c => !config.StripFromNumbers.Contains(c)));
        if (config.DecimalSeparator == ",")
        {
            cleaned = cleaned.Replace(',', '.');
        }
        if (decimal.TryParse(cleaned, NumberStyles.AllowLeadingSign | NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out var value))
        {
            return value;
        }
        errors.Add(new RowError(field, $"'{Clip(text)}' is not a number (decimal separator '{config.DecimalSeparator}')"));
        return 0;
    }

    private static string Clip(string text) => text.Length <= 40 ? text : text[..40] + "…";
}

public sealed record TestParseResult(IReadOnlyList<ParsedRow> Rows, int TotalRows, int BadRows, bool Truncated);

/// <summary>"Test parse" on the branch editor: what the tokenizer read, the record or the errors; nothing is stored.</summary>
public static class TestParse
{
    public const int MaxRowsShown = 500;

    public static TestParseResult Run(Stream sample, ParserConfig config, string fileType = "sample")
    {
        var shown = new List<ParsedRow>();
        var total = 0;
        var bad = 0;
        foreach (var row in PosFileParser.Read(sample, config, fileType))
        {
            total++;
            bad += row.Ok ? 0 : 1;
            if (shown.Count < MaxRowsShown)
            {
                shown.Add(row);
            }
        }
        return new TestParseResult(shown, total, bad, total > shown.Count);
    }
}
