using System.Globalization;
using OpsConsole.Core.Etl;
using OpsConsole.Core.Shared.Data;

namespace OpsConsole.Tests.Core.Etl;

/// <summary>The fast date reader gives exactly TryParseExact's answers, and the fast writer exactly EF's SQLite text.</summary>
public sealed class EtlDateTextTests
{
    public static TheoryData<string> DateFormats => ["yyyy-MM-dd", "dd/MM/yyyy", "yyyyMMdd", "dd.MM.yyyy", "MM-dd-yyyy", "d/M/yyyy", "yyyy-MMM-dd", "yy-MM-dd"];

    public static TheoryData<string> TimeFormats => ["HH:mm:ss", "HHmmss", "HH:mm", "H:mm", "hh:mm:ss tt", "HH:mm:ss.fff"];

    private static readonly string[] DateTexts =
    [
        "2026-11-23", "2024-02-29", "2025-02-29", "2026-13-01", "2026-00-10", "2026-11-31", "2026-11-00", "0000-01-01", "9999-12-31",
        "2026-1-5", "2026-11-23 ", " 2026-11-23", "2026/11/23", "20261123", "23/11/2026", "23.11.2026", "11-23-2026", "5/1/2026",
        "2026-Nov-23", "26-11-23", "2026-11-2a", "２026-11-23", "", "2026-11-230", "29/02/2024", "31/04/2026",
    ];

    private static readonly string[] TimeTexts =
    [
        "08:15:02", "23:59:59", "24:00:00", "12:60:00", "12:00:60", "8:15:02", "081502", "08:15", "8:15", "08:15:02 PM", "08:15:02.123",
        "08-15-02", "", "08:15:02 ", "0a:15:02",
    ];

    [Theory]
    [MemberData(nameof(DateFormats))]
    public void Dates_MatchTryParseExact(string format)
    {
        foreach (var text in DateTexts)
        {
            var expected = DateOnly.TryParseExact(text, format, CultureInfo.InvariantCulture, DateTimeStyles.None, out var want);
            FixedWidthDateFormat.TryParseDate(text, format, out var got).Should().Be(expected, $"'{text}' in {format}");
            got.Should().Be(want, $"'{text}' in {format}");
        }
    }

    [Theory]
    [MemberData(nameof(TimeFormats))]
    public void Times_MatchTryParseExact(string format)
    {
        foreach (var text in TimeTexts)
        {
            var expected = TimeOnly.TryParseExact(text, format, CultureInfo.InvariantCulture, DateTimeStyles.None, out var want);
            FixedWidthDateFormat.TryParseTime(text, format, out var got).Should().Be(expected, $"'{text}' in {format}");
            got.Should().Be(want, $"'{text}' in {format}");
        }
    }

    [Fact]
    public void EveryDayOfFourYears_ReadsAsTryParseExactReadsIt()
    {
        for (var day = new DateOnly(2023, 1, 1); day < new DateOnly(2027, 1, 1); day = day.AddDays(1))
        {
            foreach (var format in new[] { "yyyy-MM-dd", "dd/MM/yyyy" })
            {
                var text = day.ToString(format, CultureInfo.InvariantCulture);
                FixedWidthDateFormat.TryParseDate(text, format, out var got).Should().BeTrue();
                got.Should().Be(day);
            }
        }
    }

    [Fact]
    public void SqliteDateTimeText_IsEfsText()
    {
        var random = new Random(7);
        var samples = new List<DateTime> { new(2026, 11, 20, 8, 15, 0), new(2026, 11, 20, 0, 0, 0), new(2026, 11, 20, 8, 15, 2, 500), new DateTime(2026, 1, 2, 3, 4, 5).AddTicks(1),
            new DateTime(2026, 1, 2, 3, 4, 5).AddTicks(1_000_000), new DateTime(2026, 1, 2, 3, 4, 5).AddTicks(9_999_999), DateTime.MinValue, DateTime.MaxValue };
        samples.AddRange(Enumerable.Range(0, 2000).Select(_ => new DateTime(random.NextInt64(DateTime.MinValue.Ticks, DateTime.MaxValue.Ticks))));
        foreach (var value in samples)
        {
            SqliteStatement.DateTimeText(value).Should().Be(value.ToString("yyyy-MM-dd HH:mm:ss.FFFFFFF", CultureInfo.InvariantCulture));
        }
    }
}
