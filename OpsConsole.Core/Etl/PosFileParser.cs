using System.Globalization;
using CsvHelper;
using CsvHelper.Configuration;
using OpsConsole.Core.Shared.Csv;

namespace OpsConsole.Core.Etl;

public sealed record RowError(string Field, string Message);

/// <summary>One data row: its first line in the file, the cells as the tokenizer read them, and the record or the errors.</summary>
public sealed record ParsedRow(int Line, IReadOnlyList<string> Cells, EtlRecord? Record, IReadOnlyList<RowError> Errors)
{
    public bool Ok => Errors.Count == 0;

    /// <summary>Set on the last row when a quote in it never closes: the rest of the file was read as its cell, not as rows.</summary>
    public UnclosedQuote? Unclosed { get; init; }
}

/// <summary>
/// Reads a POS file with a branch's <see cref="ParserConfig"/>, row by row (constant memory), through CsvHelper's
/// tokenizer: quoted delimiters and line breaks, CRLF, a byte-order mark. Each row reports the file's line it starts
/// on (<see cref="CsvLines"/>: blank lines count); a quote that never closes ends the rows with one that says so.
/// </summary>
public static class PosFileParser
{
    /// <summary>Rows after the header rows. Records carry only the row's own fields; the caller fills job and branch.</summary>
    public static IEnumerable<ParsedRow> Read(Stream stream, ParserConfig config, string fileType)
    {
        using var reader = new StreamReader(stream, config.TextEncoding, detectEncodingFromByteOrderMarks: true);
        var lines = new CsvLines();
        using var csv = new CsvParser(reader, lines.Configure(CsvSettings(config)));
        var rowIndex = 0;
        var needed = config.Columns.CellsNeeded;
        while (csv.Read())
        {
            lines.Next(csv);
            var cells = csv.Record;
            if (CsvLines.IsBlank(cells))
            {
                continue;
            }
            if (lines.Unclosed is { } unclosed)
            {
                // The rest of the file is this row's last cell: its column count means nothing, and neither a header row
                // nor a skip rule may hide it. The cell is cut short, as the rows it swallowed are not shown either.
                cells[^1] = Clip(cells[^1], 200);
                yield return new ParsedRow(lines.Line, cells, null, [new RowError("quote", unclosed.Message)]) { Unclosed = unclosed };
                yield break;
            }
            if (++rowIndex <= config.HeaderRows)
            {
                continue;
            }
            if (config.SkipRowsStartingWith is { Length: > 0 } skip && cells[0].StartsWith(skip, StringComparison.Ordinal))
            {
                continue;
            }
            yield return ParseRow(lines.Line, cells, config, needed, fileType);
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

    public static ParsedRow ParseRow(int line, string[] cells, ParserConfig config, string fileType) =>
        ParseRow(line, cells, config, config.Columns.CellsNeeded, fileType);

    /// <summary>
    /// One row. It runs for every row of every file, so a good row allocates only its record and result: the error
    /// list is made at the first error.
    /// </summary>
    private static ParsedRow ParseRow(int line, string[] cells, ParserConfig config, int needed, string fileType)
    {
        List<RowError>? errors = null;
        void Error(string field, string message) => (errors ??= []).Add(new RowError(field, message));

        if (cells.Length < needed)
        {
            Error("row", $"expected at least {needed} columns, found {cells.Length}");
            return new ParsedRow(line, cells, null, errors!);
        }
        var columns = config.Columns;
        var dateText = cells[columns.Date];
        if (!FixedWidthDateFormat.TryParseDate(dateText, config.DateFormat, out var date))
        {
            Error("date", $"'{Clip(dateText)}' is not a date in the format {config.DateFormat}");
        }
        var time = TimeOnly.MinValue;
        if (columns.Time is { } timeColumn && !FixedWidthDateFormat.TryParseTime(cells[timeColumn], config.TimeFormat, out time))
        {
            Error("time", $"'{Clip(cells[timeColumn])}' is not a time in the format {config.TimeFormat}");
        }
        var quantity = Number(cells[columns.Quantity], config, "quantity", ref errors);
        var amount = Number(cells[columns.Amount], config, "amount", ref errors);
        var tnsc = cells[columns.Tnsc];
        if (tnsc.Length == 0)
        {
            Error("tnsc", "the transaction number is empty");
        }
        var item = cells[columns.ItemCode];
        if (item.Length == 0)
        {
            Error("item_code", "the item code is empty");
        }
        var department = columns.Department is { } d && cells[d].Length > 0 ? cells[d] : null;
        var payment = columns.PaymentMethod is { } m && cells[m].Length > 0 ? cells[m] : null;
        if (tnsc.Length > 64)
        {
            Error("tnsc", "longer than 64 characters");
        }
        if (item.Length > 64)
        {
            Error("item_code", "longer than 64 characters");
        }
        if (department?.Length > 64)
        {
            Error("department", "longer than 64 characters");
        }
        if (payment?.Length > 32)
        {
            Error("payment_method", "longer than 32 characters");
        }
        if (errors is not null)
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
            Department = department,
            Quantity = quantity,
            Amount = amount,
            PaymentMethod = payment is null ? null : LowerPayment(payment),
            FileType = fileType,
            SourceLine = line,
        }, []);
    }

    /// <summary>Payment methods repeat ("card", "cash"): the usual ones come back as one shared string.</summary>
    private static string LowerPayment(string payment)
    {
        foreach (var known in KnownPayments)
        {
            if (payment.Equals(known, StringComparison.OrdinalIgnoreCase))
            {
                return known;
            }
        }
        return payment.ToLowerInvariant();
    }

    private static readonly string[] KnownPayments = ["card", "cash", "qr", "voucher", "mobile", "contactless", "credit", "debit"];

    private static decimal Number(string text, ParserConfig config, string field, ref List<RowError>? errors)
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
        (errors ??= []).Add(new RowError(field, $"'{Clip(text)}' is not a number (decimal separator '{config.DecimalSeparator}')"));
        return 0;
    }

    private static string Clip(string text, int length = 40) => text.Length <= length ? text : text[..length] + "…";
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
