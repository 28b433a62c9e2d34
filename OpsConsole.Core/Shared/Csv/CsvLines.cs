using System.Diagnostics.CodeAnalysis;
using CsvHelper;
using CsvHelper.Configuration;

namespace OpsConsole.Core.Shared.Csv;

/// <summary>
/// The file's own line numbers for CsvHelper's records, and the quote that never closes, for every CSV reader in the
/// console (ADR 0014). CsvHelper reads blank lines as records here, so its <see cref="IParser.RawRow"/> (the last line
/// of the record just read) counts them; a record begins on the line after the previous record's last. Its
/// <see cref="CsvConfiguration.BadDataFound"/> says when a cell is malformed; <see cref="UnclosedQuote.NeverCloses"/>
/// tells an unclosed quote from the other bad data (a stray quote in a cell, text after a closing quote), which the
/// readers keep reading as CsvHelper gives them.
/// </summary>
public sealed class CsvLines
{
    private int _lastLine;
    private IParser? _parser;
    private char _quote = '"';
    private char[] _trimmed = [];

    /// <summary>The current record's first line (1-based): blank lines count, a record that spans lines is at its first.</summary>
    public int Line { get; private set; }

    /// <summary>The current record's cell whose quote never closes (it holds the rest of the file), once its cells were read.</summary>
    public UnclosedQuote? Unclosed { get; private set; }

    /// <summary>Sets the configuration up for this: blank lines as records, bad data reported here.</summary>
    public CsvConfiguration Configure(CsvConfiguration configuration)
    {
        configuration.IgnoreBlankLines = false;
        configuration.BadDataFound = Found;
        _quote = configuration.Quote;
        _trimmed = (configuration.TrimOptions & TrimOptions.Trim) != 0 ? configuration.WhiteSpaceChars : [];
        return configuration;
    }

    /// <summary>Call after each record CsvHelper read, before reading its cells: moves the line numbers on.</summary>
    public void Next(IParser parser)
    {
        _parser = parser;
        Line = _lastLine + 1;
        _lastLine = parser.RawRow;
        Unclosed = null;
    }

    /// <summary>A blank line (or one of spaces, when cells are trimmed): the readers skip it, but it keeps its line number.</summary>
    public static bool IsBlank([NotNullWhen(false)] string[]? cells) => cells is null || (cells.Length == 1 && cells[0].Length == 0);

    private void Found(BadDataFoundArgs args)
    {
        if (!UnclosedQuote.NeverCloses(args.Field, _quote, _trimmed) || !args.RawRecord.EndsWith(args.Field, StringComparison.Ordinal))
        {
            return;
        }
        // The cell ran to the end of the file, so it ends the record's raw text; lines before it in the record (quoted
        // line breaks of earlier cells) put its quote further down the file than the record's first line.
        var before = args.RawRecord.AsSpan(0, args.RawRecord.Length - args.Field.Length);
        var line = Line + UnclosedQuote.LineBreaks(before);
        // The file's last line break ends its last line; CsvHelper counts it inside the cell as the start of another.
        var last = (_parser?.RawRow ?? line) - (args.RawRecord.EndsWith('\n') || args.RawRecord.EndsWith('\r') ? 1 : 0);
        Unclosed = new UnclosedQuote(line, Math.Max(line, last));
    }
}
