namespace OpsConsole.Core.Shared.Csv;

/// <summary>
/// The one rule for text in the console's CSV exports (ADR 0014): a cell that starts with <c>=</c>, <c>+</c>,
/// <c>-</c>, <c>@</c>, a tab or a carriage return (OWASP's list; a NUL too, as ASVS 5 adds) is one a spreadsheet may
/// run as a formula ("CSV injection"), so it is written with a single quote in front and is read as text. Only the first
/// character is looked at; the writers then quote the cell as any other (a delimiter, quote or line break inside it).
/// Every text column goes through it (names, codes, reasons, details: text from outside); values the console formats
/// itself (numbers, dates, ids) are written as they are, so an amount of <c>-12.5</c> stays a number.
/// </summary>
public static class CsvCells
{
    public const char FormulaEscape = '\'';

    public static bool StartsLikeFormula(char first) => first is '=' or '+' or '-' or '@' or '\t' or '\r' or '\0';

    public static bool StartsLikeFormula(ReadOnlySpan<byte> utf8) => utf8.Length > 0 && utf8[0] < 0x80 && StartsLikeFormula((char)utf8[0]);

    /// <summary>A text cell as an inert cell: unchanged unless it starts like a formula.</summary>
    public static string? Neutralise(string? text) =>
        text is { Length: > 0 } && StartsLikeFormula(text[0]) ? FormulaEscape + text : text;
}
