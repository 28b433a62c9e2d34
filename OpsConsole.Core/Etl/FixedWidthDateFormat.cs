using System.Collections.Concurrent;
using System.Globalization;

namespace OpsConsole.Core.Etl;

/// <summary>
/// A fast reader for the all-digit, fixed-width date and time formats POS files use (yyyy-MM-dd, dd/MM/yyyy,
/// yyyyMMdd, HH:mm:ss…). `DateOnly.TryParseExact` matches separators through culture-aware comparison, which was a
/// fifth of the ingest's CPU; this reads the digits by position instead. It only ever says yes to text
/// `TryParseExact` also accepts, with the same value: anything else (another format, one-digit fields, a bad day)
/// goes to `TryParseExact`, so the answer and the error message never change.
/// </summary>
internal sealed class FixedWidthDateFormat
{
    private static readonly ConcurrentDictionary<string, FixedWidthDateFormat?> Compiled = new(StringComparer.Ordinal);

    private readonly string _format;
    private readonly (char Field, int At)[] _fields;
    private readonly (char Literal, int At)[] _literals;
    private readonly bool _isDate;

    private FixedWidthDateFormat(string format, (char, int)[] fields, (char, int)[] literals, bool isDate)
    {
        _format = format;
        _fields = fields;
        _literals = literals;
        _isDate = isDate;
    }

    public static bool TryParseDate(string text, string format, out DateOnly date)
    {
        if (For(format) is { } fast && fast._isDate && fast.TryRead(text, out var year, out var month, out var day, out _, out _, out _))
        {
            date = new DateOnly(year, month, day);
            return true;
        }
        return DateOnly.TryParseExact(text, format, CultureInfo.InvariantCulture, DateTimeStyles.None, out date);
    }

    public static bool TryParseTime(string text, string format, out TimeOnly time)
    {
        if (For(format) is { } fast && !fast._isDate && fast.TryRead(text, out _, out _, out _, out var hour, out var minute, out var second))
        {
            time = new TimeOnly(hour, minute, second);
            return true;
        }
        return TimeOnly.TryParseExact(text, format, CultureInfo.InvariantCulture, DateTimeStyles.None, out time);
    }

    /// <summary>The compiled form, or null when the format has anything but yyyy, MM, dd, HH, mm, ss and separators.</summary>
    private static FixedWidthDateFormat? For(string format) => Compiled.GetOrAdd(format, Compile);

    private static FixedWidthDateFormat? Compile(string format)
    {
        var fields = new List<(char, int)>();
        var literals = new List<(char, int)>();
        var seen = new HashSet<char>();
        for (var i = 0; i < format.Length;)
        {
            var c = format[i];
            var run = 1;
            while (i + run < format.Length && format[i + run] == c)
            {
                run++;
            }
            if (c is 'y' or 'M' or 'd' or 'H' or 'm' or 's')
            {
                if (run != (c == 'y' ? 4 : 2) || !seen.Add(c))
                {
                    return null;
                }
                fields.Add((c, i));
            }
            else if (c is '-' or '/' or '.' or ':' or ' ' or '_')
            {
                // '/' and ':' are the culture's separators in .NET formats; the invariant culture's are these same characters.
                for (var k = 0; k < run; k++)
                {
                    literals.Add((c, i + k));
                }
            }
            else
            {
                return null; // letters, quotes, escapes, fractions, AM/PM, month names: TryParseExact's job
            }
            i += run;
        }
        var date = seen.Contains('y') || seen.Contains('M') || seen.Contains('d');
        var time = seen.Contains('H') || seen.Contains('m') || seen.Contains('s');
        var whole = (seen.SetEquals(['y', 'M', 'd']) && !time) || (seen.SetEquals(['H', 'm', 's']) && !date) || (seen.SetEquals(['H', 'm']) && !date);
        return whole ? new FixedWidthDateFormat(format, [.. fields], [.. literals], date) : null;
    }

    private bool TryRead(string text, out int year, out int month, out int day, out int hour, out int minute, out int second)
    {
        year = month = day = hour = minute = second = 0;
        if (text.Length != _format.Length)
        {
            return false;
        }
        foreach (var (literal, at) in _literals)
        {
            if (text[at] != literal)
            {
                return false;
            }
        }
        foreach (var (field, at) in _fields)
        {
            var width = field == 'y' ? 4 : 2;
            var value = 0;
            for (var k = 0; k < width; k++)
            {
                var digit = text[at + k] - '0';
                if ((uint)digit > 9)
                {
                    return false;
                }
                value = value * 10 + digit;
            }
            switch (field)
            {
                case 'y': year = value; break;
                case 'M': month = value; break;
                case 'd': day = value; break;
                case 'H': hour = value; break;
                case 'm': minute = value; break;
                default: second = value; break;
            }
        }
        if (_isDate)
        {
            return year >= 1 && month is >= 1 and <= 12 && day >= 1 && day <= DateTime.DaysInMonth(year, month);
        }
        return hour <= 23 && minute <= 59 && second <= 59;
    }
}
