using OpsConsole.Core.Shared.Csv;

namespace OpsConsole.Tests.Core.Shared.Csv;

/// <summary>The exports' formula rule: text that starts like a formula gets a single quote in front; nothing else changes.</summary>
public sealed class CsvCellsTests
{
    [Theory]
    [InlineData("=HYPERLINK(\"http://x.test/\",\"open\")")]
    [InlineData("+1+2")]
    [InlineData("-2+3+cmd|' /C calc'!A0")]
    [InlineData("@SUM(A1:A9)")]
    [InlineData("\t=1")]
    [InlineData("\r=1")]
    [InlineData("\0=1")]
    [InlineData("=")]
    public void Neutralise_TextStartingLikeAFormula_GetsOneSingleQuoteInFront(string text) =>
        CsvCells.Neutralise(text).Should().Be("'" + text);

    [Theory]
    [InlineData("ITM-00042")]
    [InlineData("a=1")]
    [InlineData(" =1")]
    [InlineData("'=1")]
    [InlineData("\n=1")]
    [InlineData("ＳＵＭ")]
    [InlineData("")]
    [InlineData(null)]
    public void Neutralise_OtherText_IsUnchanged(string? text) => CsvCells.Neutralise(text).Should().Be(text);

    [Fact]
    public void StartsLikeFormula_OnUtf8_AgreesWithTheCharacterRule()
    {
        CsvCells.StartsLikeFormula("=1"u8).Should().BeTrue();
        CsvCells.StartsLikeFormula("-"u8).Should().BeTrue();
        CsvCells.StartsLikeFormula("é="u8).Should().BeFalse();
        CsvCells.StartsLikeFormula(ReadOnlySpan<byte>.Empty).Should().BeFalse();
        for (var c = 0; c < 0x80; c++)
        {
            CsvCells.StartsLikeFormula([(byte)c]).Should().Be(CsvCells.StartsLikeFormula((char)c), $"character {c}");
        }
    }
}
