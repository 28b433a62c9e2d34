using System.Buffers;
using System.Globalization;
using System.Text;
using CsvHelper;
using OpsConsole.Core.Etl;

namespace OpsConsole.Tests.Core.Etl;

/// <summary>The export's UTF-8 CSV writer gives exactly the text CsvHelper's writer gives, from bytes and from strings.</summary>
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
    ];

    [Fact]
    public void StringFields_MatchCsvHelper() => Written(fromBytes: false).Should().Be(CsvHelperText());

    [Fact]
    public void ByteFields_MatchCsvHelper() => Written(fromBytes: true).Should().Be(CsvHelperText());

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

    private static string Written(bool fromBytes)
    {
        var output = new ArrayBufferWriter<byte>();
        var csv = new Utf8CsvWriter(output);
        foreach (var row in Rows)
        {
            foreach (var field in row)
            {
                if (fromBytes)
                {
                    csv.Field(Encoding.UTF8.GetBytes(field ?? ""));
                }
                else
                {
                    csv.Field(field);
                }
            }
            csv.EndRecord();
        }
        csv.Flush();
        return Encoding.UTF8.GetString(output.WrittenSpan);
    }

    private static string CsvHelperText()
    {
        using var text = new StringWriter();
        using (var csv = new CsvWriter(text, CultureInfo.InvariantCulture, leaveOpen: true))
        {
            foreach (var row in Rows)
            {
                foreach (var field in row)
                {
                    csv.WriteField(field);
                }
                csv.NextRecord();
            }
        }
        return text.ToString();
    }
}
