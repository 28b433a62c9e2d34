namespace OpsConsole.Core.Shared.Csv;

/// <summary>
/// A cell that opens a quote and never closes it: CsvHelper then reads the rest of the file into that cell, so the
/// rows after it are never read as rows (ADR 0014). <see cref="CsvLines"/> finds it; the readers report it at
/// <see cref="Line"/>, where the quote opened, and stop there.
/// </summary>
/// <param name="Line">The file's line the quote opened on.</param>
/// <param name="LastLine">The file's last line, which the cell ran to.</param>
public sealed record UnclosedQuote(int Line, int LastLine)
{
    public string Message => LastLine > Line
        ? $"a quote opened on line {Line} is never closed, so lines {Line}–{LastLine} were read as one cell, not as rows"
        : $"a quote opened on line {Line} is never closed";

    /// <summary>
    /// Whether a cell CsvHelper reported as bad data is one whose quote never closes. A quoted cell ends only where its
    /// quote closes, so a cell still inside its quote ran to the end of the file: after the opening quote (past spaces
    /// when cells are trimmed) every quote in it is a doubled one.
    /// </summary>
    public static bool NeverCloses(ReadOnlySpan<char> cell, char quote, ReadOnlySpan<char> trimmedSpaces)
    {
        cell = cell.TrimStart(trimmedSpaces);
        if (cell.IsEmpty || cell[0] != quote)
        {
            return false;
        }
        var rest = cell[1..];
        for (var i = rest.IndexOf(quote); i >= 0; i = rest.IndexOf(quote))
        {
            if (i + 1 == rest.Length || rest[i + 1] != quote)
            {
                return false;
            }
            rest = rest[(i + 2)..];
        }
        return true;
    }

    /// <summary>Line breaks as CsvHelper counts them (its RawRow): CRLF once, a lone CR or LF once.</summary>
    public static int LineBreaks(ReadOnlySpan<char> text)
    {
        var breaks = 0;
        for (var i = 0; i < text.Length; i++)
        {
            if (text[i] == '\r' || (text[i] == '\n' && (i == 0 || text[i - 1] != '\r')))
            {
                breaks++;
            }
        }
        return breaks;
    }
}
