namespace OpsConsole.Components.Shared;

/// <summary>
/// The keyboard cursor of a live list (ADR 0019). It holds the id of the highlighted row, never a position: rows that
/// arrive above it (a "newest first" list) move the row down, and the cursor goes with it. It never lands on a row
/// the person has not had on screen: when its row leaves (decided here or by someone else) it goes to the nearest row
/// that was already shown, and rows that arrived are announced in <see cref="Note"/> instead of being highlighted.
/// </summary>
public sealed class RowCursor(string noun)
{
    /// <summary>The highlighted row's id; null when no row is highlighted (a key that acts then does nothing).</summary>
    public long? Id { get; private set; }

    /// <summary>What the last refresh brought without moving the cursor onto it, for a visible, aria-live note.</summary>
    public string? Note { get; private set; }

    public bool IsOn(long id) => Id == id;

    /// <summary>A list the person asked for (first load, another filter or order): the same row if it is still there, else the first.</summary>
    public void Reset(IReadOnlyList<long> rows)
    {
        Id = Id is { } id && rows.Contains(id) ? id : rows.Count > 0 ? rows[0] : null;
        Note = null;
    }

    /// <summary>
    /// The list changed by itself (rows arrived or left): the cursor stays on its row wherever it moved; if its row
    /// left, it goes to the next row that was shown before, else the one before it, else nowhere.
    /// </summary>
    public void Follow(IReadOnlyList<long> before, IReadOnlyList<long> now)
    {
        var present = now.ToHashSet();
        if (Id is { } id && !present.Contains(id))
        {
            var at = IndexOf(before, id);
            Id = at < 0 ? null
                : before.Skip(at + 1).Where(present.Contains).Select(r => (long?)r).FirstOrDefault()
                  ?? before.Take(at).Reverse().Where(present.Contains).Select(r => (long?)r).FirstOrDefault();
        }
        var seen = before.ToHashSet();
        var arrived = now.Where(r => !seen.Contains(r)).ToList();
        if (arrived.Count == 0)
        {
            return;
        }
        var what = arrived.Count == 1 ? $"1 new {noun} arrived (#{arrived[0]})" : $"{arrived.Count} new {noun}s arrived ({Ids(arrived)})";
        if (Id is not { } cursor)
        {
            Note = $"{what}. No row is highlighted: press j to highlight the first.";
            return;
        }
        var position = IndexOf(now, cursor);
        var above = arrived.Count(r => IndexOf(now, r) < position);
        Note = above == 0
            ? $"{what}. The highlight stays on #{cursor}."
            : $"{what}, {above} of them above the highlighted row. The highlight stays on #{cursor}, now row {position + 1}.";
    }

    /// <summary>j (+1) or k (−1): the next or previous row of the list as shown; from no row, the first or the last.</summary>
    public void Move(IReadOnlyList<long> rows, int step)
    {
        Note = null;
        if (rows.Count == 0)
        {
            Id = null;
            return;
        }
        var at = Id is { } id ? IndexOf(rows, id) : -1;
        Id = at < 0 ? rows[step > 0 ? 0 : rows.Count - 1] : rows[Math.Clamp(at + step, 0, rows.Count - 1)];
    }

    /// <summary>A click on a row, or the row an address names (null: none).</summary>
    public void Set(long? id)
    {
        Id = id;
        Note = null;
    }

    /// <summary>
    /// Whether a key may act on <paramref name="highlighted"/>, the row the browser showed highlighted when the key
    /// was pressed: only when that is still the cursor's row (a render in flight could have moved it).
    /// </summary>
    public bool Allows(string? highlighted) => Id is { } id && long.TryParse(highlighted, out var shown) && shown == id;

    private static int IndexOf(IReadOnlyList<long> rows, long id)
    {
        for (var i = 0; i < rows.Count; i++)
        {
            if (rows[i] == id)
            {
                return i;
            }
        }
        return -1;
    }

    private static string Ids(List<long> ids) =>
        string.Join(", ", ids.Take(5).Select(i => "#" + i)) + (ids.Count > 5 ? $" and {ids.Count - 5} more" : "");
}
