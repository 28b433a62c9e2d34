using OpsConsole.Core.Dispatch;

namespace OpsConsole.Tests.TestSupport;

/// <summary>Dispatch rows for tests: a task between two stations, ready unless said otherwise.</summary>
public static class DispatchTestData
{
    public static readonly DateTime T0 = new(2026, 11, 1, 6, 0, 0, DateTimeKind.Utc);

    public static DispatchTask Task(DateTime createdAt, DispatchTaskStatus status = DispatchTaskStatus.Ready, string? reason = null,
        int from = 1, int to = 2, int qty = 1) =>
        new() { FromStationId = from, ToStationId = to, Qty = qty, Status = status, CreatedAt = createdAt, Reason = reason };

    /// <summary><paramref name="count"/> ready tasks a minute apart from <see cref="T0"/>, reasons "age 0", "age 1" …</summary>
    public static IEnumerable<DispatchTask> ReadyTasks(int count) => Enumerable.Range(0, count).Select(i => Task(T0.AddMinutes(i), reason: $"age {i}"));
}
