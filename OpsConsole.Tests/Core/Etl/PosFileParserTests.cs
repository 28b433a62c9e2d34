using System.Text;
using OpsConsole.Core.Etl;
using OpsConsole.Simulators.Etl;

namespace OpsConsole.Tests.Core.Etl;

public sealed class PosFileParserTests
{
    private static List<ParsedRow> Parse(string text, ParserConfig? config = null, Encoding? encoding = null, bool bom = false)
    {
        var bytes = (encoding ?? new UTF8Encoding(bom)).GetPreamble().Where(_ => bom).Concat((encoding ?? Encoding.UTF8).GetBytes(text)).ToArray();
        return PosFileParser.Read(new MemoryStream(bytes), config ?? ParserConfig.Default, "rd5000").ToList();
    }

    [Fact]
    public void DefaultLayout_ReadsEveryField_WithQuotedDelimitersCrLfAndBom()
    {
        var rows = Parse("date,time,tnsc,item_code,dept,qty,amount,payment\r\n" +
                         "2026-11-20,08:15:02,T1-001,ITM-1,\"FRUIT, VEG\",2,3.50,Card\r\n" +
                         "2026-11-20,08:16:00,T1-002,ITM-2,\"two\nlines\",1,10,cash\r\n", bom: true);
        rows.Should().HaveCount(2).And.OnlyContain(r => r.Ok);
        var first = rows[0].Record!;
        (first.WorkDate, first.SoldAt.Hour, first.Tnsc, first.ItemCode, first.Department, first.Quantity, first.Amount, first.PaymentMethod)
            .Should().Be((new DateOnly(2026, 11, 20), 8, "T1-001", "ITM-1", "FRUIT, VEG", 2m, 3.50m, "card"));
        rows[0].Line.Should().Be(2);
        rows[1].Record!.Department.Should().Be("two\nlines");
        rows[1].Line.Should().Be(3, "a row's line is where it starts");
    }

    [Fact]
    public void SemicolonLayout_ReadsRightOnlyWithItsBranchConfig()
    {
        var content = EtlFileHostSimulator.Content(42, "B004_1_20261120_rd5000_1.csv", 30);
        var right = PosFileParser.Read(new MemoryStream(Encoding.UTF8.GetBytes(content)), EtlFileHostSimulator.ParserFor("B004"), "rd5000").ToList();
        right.Should().HaveCount(30).And.OnlyContain(r => r.Ok);
        right[0].Record!.Amount.Should().BePositive();
        right[0].Record!.WorkDate.Should().Be(new DateOnly(2026, 11, 20));
        right[0].Line.Should().Be(3, "two header rows");

        var wrong = PosFileParser.Read(new MemoryStream(Encoding.UTF8.GetBytes(content)), ParserConfig.Default, "rd5000").ToList();
        wrong.Should().OnlyContain(r => !r.Ok);
    }

    [Fact]
    public void BadRows_NameTheFieldAndLine()
    {
        var rows = Parse("date,time,tnsc,item_code,dept,qty,amount,payment\n" +
                         "2026-11-31,08:15:02,T1,ITM,DRY,2,3.50,card\n" +
                         "2026-11-20,8h15,T1,ITM,DRY,two,3.50,card\n" +
                         "2026-11-20,08:15:02,T1,ITM\n" +
                         "2026-11-20,08:15:02,,ITM,DRY,1,1,card\n");
        rows.Select(r => (r.Line, string.Join(",", r.Errors.Select(e => e.Field)))).Should().Equal(
            (2, "date"), (3, "time,quantity"), (4, "row"), (5, "tnsc"));
        rows[2].Errors[0].Message.Should().Contain("expected at least 8 columns, found 4");
    }

    [Fact]
    public void EmptyFile_HasNoRows_AndCountsZero()
    {
        Parse("").Should().BeEmpty();
        PosFileParser.CountRows(new MemoryStream([]), ParserConfig.Default).Should().Be(0);
        PosFileParser.CountRows(new MemoryStream(Encoding.UTF8.GetBytes("h\na\nb\n\n")), ParserConfig.Default).Should().Be(2);
    }

    [Fact]
    public void CleanUpRules_StripCurrencyAndUppercaseItems_AndReadLatin1()
    {
        var config = ParserConfig.Default with { StripFromNumbers = "$ ", UppercaseItemCodes = true, Encoding = "iso-8859-1", HeaderRows = 0 };
        var rows = Parse("2026-11-20,08:15:02,T1,itm-é,DRY,1,$ 1 234.50,card\n", config, Encoding.Latin1);
        rows.Single().Record!.Amount.Should().Be(1234.50m);
        rows.Single().Record!.ItemCode.Should().Be("ITM-É");
    }

    [Theory]
    [InlineData("""{"delimiter": ""}""", "parser_config.delimiter")]
    [InlineData("""{"header_rows": 99}""", "parser_config.header_rows")]
    [InlineData("""{"encoding": "klingon"}""", "parser_config.encoding")]
    [InlineData("""{"columns": {"date": 0, "time": 0}}""", "parser_config.columns")]
    [InlineData("""{"columns": {"amount": -1}}""", "parser_config.columns.amount")]
    [InlineData("""{"date_format": "qqq"}""", "parser_config.date_format")]
    [InlineData("""{"decimalSeparator": ";"}""", "parser_config.decimalSeparator")]
    [InlineData("""{"bad_rows": "ignore"}""", "parser_config.bad_rows")]
    [InlineData("""{"colour": "red"}""", "parser_config")]
    [InlineData("""[1, 2]""", "parser_config")]
    public void ParserConfig_RefusesBadSettings_NamingTheField(string json, string field)
    {
        var result = ParserConfig.Parse(json);
        result.Succeeded.Should().BeFalse();
        result.Errors.Keys.Should().Contain(k => k == field || k.StartsWith(field, StringComparison.Ordinal), string.Join("; ", result.Errors.Select(e => $"{e.Key}: {string.Join(" ", e.Value)}")));
    }

    [Fact]
    public void ParserConfig_ReportsEveryProblemAtOnce_InWordsAPersonKnows()
    {
        var result = ParserConfig.Parse("""
            {"header_rows": "two", "trim_cells": "yes", "columns": {"amount": 6.5, "time": null, "colour": 1}, "bad_rows": "ignore",
             "delimiter": ";", "decimal_separator": ";", "date_format": "qqq"}
            """);
        var messages = result.Errors.SelectMany(e => e.Value).ToList();
        result.Errors.Keys.Should().BeEquivalentTo(["parser_config.header_rows", "parser_config.trim_cells", "parser_config.columns.amount",
            "parser_config.columns.colour", "parser_config.bad_rows"], "every wrong type and unknown field at once, before the values are judged");
        messages.Should().Contain("parser_config.header_rows must be a whole number.")
            .And.Contain("parser_config.bad_rows must be \"fail\" or \"skip\".");
        messages.Should().NotContain(m => m.Contains("System.") || m.Contains("Int32") || m.Contains("JSON value could not"));

        var values = ParserConfig.Parse("""{"delimiter": ";", "decimal_separator": ";", "date_format": "qqq", "header_rows": 99}""");
        values.Errors.Keys.Should().BeEquivalentTo(["parser_config.decimal_separator", "parser_config.date_format", "parser_config.header_rows"]);

        ParserConfig.Parse("{\"delimiter\": \";\",\n \"header_rows\" 2}").Errors["parser_config"].Single().Should().Contain("line 2");
    }

    [Fact]
    public void ParserConfig_RoundTripsThroughJson()
    {
        var config = EtlFileHostSimulator.ParserFor("B009");
        ParserConfig.FromJson(config.ToJson()).Should().Be(config);
        ParserConfig.Parse(config.ToJson()).Value.Should().Be(config);
    }

    private const string Header = "date,time,tnsc,item_code,dept,qty,amount,payment\n";

    private static string Row(int n, string dept = "DRY") => $"2026-11-20,08:15:{n:D2},T{n},ITM-{n},{dept},1,2.50,card\n";

    [Fact]
    public void BlankLines_CountInTheLineNumbers_AndARecordSpanningLinesIsAtItsFirst()
    {
        var rows = Parse("\n" + Header + "\n" + Row(1) + "\r\n\n" + Row(2, "\"two\nlines\"") + "   \n" + Row(3, "x\"y") + Row(4));
        rows.Select(r => (r.Line, r.Record?.Tnsc)).Should().Equal((4, "T1"), (7, "T2"), (10, "T3"), (11, "T4"));
        rows[2].Record!.Department.Should().Be("x\"y", "a stray quote inside a cell is bad data CsvHelper reads through, not an unclosed quote");
        Parse(Header + Row(1) + "\n").Single().Line.Should().Be(2);
    }

    [Fact]
    public void HeaderRows_AreCountedWithoutTheBlankLines()
    {
        var config = EtlFileHostSimulator.ParserFor("B004");
        var content = EtlFileHostSimulator.Content(42, "B004_1_20261120_rd5000_1.csv", 3);
        var lines = content.Split("\r\n");
        var spaced = string.Join("\r\n", lines[..1].Append("").Concat(lines[1..]));
        var rows = PosFileParser.Read(new MemoryStream(Encoding.UTF8.GetBytes(spaced)), config, "rd5000").ToList();
        rows.Should().HaveCount(3).And.OnlyContain(r => r.Ok);
        rows.Select(r => r.Line).Should().Equal(4, 5, 6);
    }

    [Theory]
    [InlineData("\n")]
    [InlineData("\r\n")]
    public void AQuoteThatNeverCloses_EndsTheRows_WithOneNamingTheLineItOpenedOn(string newline)
    {
        var text = (Header + Row(1) + "2026-11-20,08:16:00,T2,ITM-2,\"DRY,1,10,cash\n" + Row(3) + Row(4)).Replace("\n", newline);

        var rows = Parse(text);

        rows.Should().HaveCount(2, "the rows after the quote are inside its cell");
        rows[0].Ok.Should().BeTrue();
        var broken = rows[1];
        broken.Line.Should().Be(3);
        broken.Unclosed.Should().Be(new OpsConsole.Core.Shared.Csv.UnclosedQuote(3, 5));
        broken.Errors.Should().ContainSingle().Which.Should().Be(new RowError("quote",
            "a quote opened on line 3 is never closed, so lines 3–5 were read as one cell, not as rows"), "not a misleading column count");
        broken.Cells[^1].Length.Should().BeLessThanOrEqualTo(201, "the swallowed rest of the file is cut short");
    }

    [Fact]
    public void AQuoteThatNeverCloses_LaterInARecordThatSpansLines_IsNamedAtItsOwnLine()
    {
        var rows = Parse(Header + "2026-11-20,08:16:00,T2,ITM-2,\"two\nlines\",1,2.50,\"card\n" + Row(3));
        rows.Single().Line.Should().Be(2, "the record begins on line 2");
        rows.Single().Unclosed.Should().Be(new OpsConsole.Core.Shared.Csv.UnclosedQuote(3, 4), "its second quoted cell opens on line 3");
    }

    [Fact]
    public void AQuoteThatNeverCloses_InAHeaderRowOrASkippedRow_IsStillReported()
    {
        Parse("date,\"time\n" + Row(1) + Row(2)).Single().Unclosed.Should().Be(new OpsConsole.Core.Shared.Csv.UnclosedQuote(1, 3));
        var skipping = ParserConfig.Default with { SkipRowsStartingWith = "#" };
        Parse(Header + Row(1) + "\"# comment\n" + Row(2), skipping).Select(r => (r.Line, r.Unclosed is null)).Should().Equal((2, true), (3, false));
        Parse(Header + Row(1) + "# a \"comment\"\n" + Row(2), skipping).Select(r => r.Line).Should().Equal(2, 4);
    }

    [Fact]
    public void TextAfterAClosingQuote_IsNotAnUnclosedQuote()
    {
        var rows = Parse(Header + Row(1, "\"DRY\"x") + Row(2));
        rows.Should().HaveCount(2).And.OnlyContain(r => r.Unclosed == null);
        rows.Select(r => r.Line).Should().Equal(2, 3);
    }

    [Fact]
    public void TestParse_ShowsTheUnclosedQuoteAsTheLastBadRow()
    {
        var result = TestParse.Run(new MemoryStream(Encoding.UTF8.GetBytes(Header + Row(1) + Row(2, "\"DRY") + Row(3))), ParserConfig.Default);
        (result.TotalRows, result.BadRows).Should().Be((2, 1));
        result.Rows[1].Errors.Single().Message.Should().StartWith("a quote opened on line 3 is never closed");
    }
}
