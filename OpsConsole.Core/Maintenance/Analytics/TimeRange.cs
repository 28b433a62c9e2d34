namespace OpsConsole.Core.Maintenance.Analytics;

/// <summary>A half-open stretch [Start, End) of UTC ticks.</summary>
internal readonly record struct TimeRange(long Start, long End)
{
    public long Length => End - Start;
}

internal static class TimeRanges
{
    /// <summary>Sorts and merges in place; the result is sorted, disjoint and without empty ranges.</summary>
    public static List<TimeRange> Union(List<TimeRange> ranges)
    {
        ranges.RemoveAll(r => r.End <= r.Start);
        ranges.Sort((a, b) => a.Start.CompareTo(b.Start));
        var merged = new List<TimeRange>(ranges.Count);
        foreach (var r in ranges)
        {
            if (merged.Count > 0 && r.Start <= merged[^1].End)
            {
                if (r.End > merged[^1].End)
                {
                    merged[^1] = merged[^1] with { End = r.End };
                }
            }
            else
            {
                merged.Add(r);
            }
        }
        return merged;
    }

    /// <summary><paramref name="from"/> minus <paramref name="remove"/>; both sorted and disjoint.</summary>
    public static List<TimeRange> Subtract(IReadOnlyList<TimeRange> from, IReadOnlyList<TimeRange> remove)
    {
        if (remove.Count == 0)
        {
            return [.. from];
        }
        var result = new List<TimeRange>(from.Count + remove.Count);
        var j = 0;
        foreach (var r in from)
        {
            var start = r.Start;
            while (j < remove.Count && remove[j].End <= start)
            {
                j++;
            }
            var k = j;
            while (k < remove.Count && remove[k].Start < r.End)
            {
                if (remove[k].Start > start)
                {
                    result.Add(new TimeRange(start, remove[k].Start));
                }
                start = Math.Max(start, remove[k].End);
                k++;
            }
            if (start < r.End)
            {
                result.Add(new TimeRange(start, r.End));
            }
        }
        return result;
    }

    public static long Total(IReadOnlyList<TimeRange> ranges)
    {
        long total = 0;
        foreach (var r in ranges)
        {
            total += r.Length;
        }
        return total;
    }
}
