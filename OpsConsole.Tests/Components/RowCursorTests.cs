using OpsConsole.Components.Shared;

namespace OpsConsole.Tests.Components;

/// <summary>The suggestions page's keyboard cursor: it follows a row's id and never lands on a row nobody had on screen.</summary>
public sealed class RowCursorTests
{
    private static RowCursor CursorOn(long id, params long[] rows)
    {
        var cursor = new RowCursor("suggestion");
        cursor.Reset(rows);
        cursor.Set(id);
        return cursor;
    }

    [Fact]
    public void Follow_NewestFirstArrivalsAbove_KeepTheCursorOnItsRow_AndAreAnnounced()
    {
        var cursor = CursorOn(31, 33, 32, 31, 30);

        cursor.Follow([33, 32, 31, 30], [35, 34, 33, 32, 31, 30]);

        cursor.Id.Should().Be(31, "the row moved from second to fourth place; the cursor went with it");
        cursor.Note.Should().Be("2 new suggestions arrived (#35, #34), 2 of them above the highlighted row. The highlight stays on #31, now row 5.");
    }

    [Fact]
    public void Follow_ArrivalsBelow_SayTheHighlightStays()
    {
        var cursor = CursorOn(30, 30, 31);

        cursor.Follow([30, 31], [30, 31, 32]);

        cursor.Id.Should().Be(30);
        cursor.Note.Should().Be("1 new suggestion arrived (#32). The highlight stays on #30.");
    }

    [Fact]
    public void Follow_WhenItsRowLeaves_GoesToTheNextRowThatWasShown_NeverToAnArrival()
    {
        var cursor = CursorOn(31, 32, 31, 30);

        cursor.Follow([32, 31, 30], [34, 32, 30]);
        cursor.Id.Should().Be(30, "the row after it on screen");

        cursor.Follow([34, 32, 30], [35, 34, 32]);
        cursor.Id.Should().Be(32, "the last row left: the one before it that was on screen, not #35 that just came");
    }

    [Fact]
    public void Follow_WithoutACursor_AnnouncesArrivals_AndHighlightsNothing()
    {
        var cursor = new RowCursor("suggestion");
        cursor.Reset([]);

        cursor.Follow([], [7, 8, 9]);

        cursor.Id.Should().BeNull();
        cursor.Note.Should().Be("3 new suggestions arrived (#7, #8, #9). No row is highlighted: press j to highlight the first.");
        cursor.Move([7, 8, 9], 1);
        cursor.Id.Should().Be(7);
        cursor.Note.Should().BeNull();
    }

    [Fact]
    public void Reset_KeepsTheRowWhenItIsStillListed_ElseTheFirst()
    {
        var cursor = CursorOn(2, 1, 2, 3);

        cursor.Reset([3, 2, 1]);
        cursor.Id.Should().Be(2);
        cursor.Reset([5, 6]);
        cursor.Id.Should().Be(5);
        cursor.Reset([]);
        cursor.Id.Should().BeNull();
    }

    [Fact]
    public void Move_StepsThroughTheListAsShown_AndStopsAtItsEnds()
    {
        var cursor = CursorOn(2, 1, 2, 3);

        cursor.Move([1, 2, 3], 1);
        cursor.Id.Should().Be(3);
        cursor.Move([1, 2, 3], 1);
        cursor.Id.Should().Be(3);
        cursor.Move([1, 2, 3], -1);
        cursor.Id.Should().Be(2);
        new RowCursor("x").Also(c => c.Move([1, 2, 3], -1)).Id.Should().Be(3, "k from no row: the last");
    }

    [Fact]
    public void Allows_OnlyTheRowTheBrowserShowedHighlighted()
    {
        var cursor = CursorOn(31, 31, 32);

        cursor.Allows("31").Should().BeTrue();
        cursor.Allows("34").Should().BeFalse("a render in flight moved the highlight: the key acts on nothing");
        cursor.Allows(null).Should().BeFalse();
        new RowCursor("x").Allows("31").Should().BeFalse();
    }
}

internal static class CursorTestExtensions
{
    public static RowCursor Also(this RowCursor cursor, Action<RowCursor> act)
    {
        act(cursor);
        return cursor;
    }
}
