using OpsConsole.Core.Shared.Data;

namespace OpsConsole.Core.Shared.Claims;

/// <summary>
/// What to claim: the oldest row of a table in one state, moved to another with some columns set. ETL jobs and
/// dispatch tasks both use it, each with its own table and columns.
/// </summary>
public sealed record ClaimSpec(
    string Table,
    string StatusColumn,
    string ReadyValue,
    string ClaimedValue,
    IReadOnlyList<string> OrderBy,
    IReadOnlyList<string> SetColumns,
    string IdColumn = "Id",
    string? IncrementColumn = null,
    string? DueColumn = null);

/// <summary>
/// The atomic "take the oldest ready row" statement in each provider's form (TOOLCHAIN.md): SQLite's single-statement
/// UPDATE … WHERE id = (oldest) AND still ready … RETURNING, PostgreSQL's FOR UPDATE SKIP LOCKED, and SQL Server's
/// UPDLOCK, READPAST, ROWLOCK. Two callers never get the same row. Parameters are @p0… for the SetColumns in order,
/// then, with a DueColumn, the current time: rows whose due time is later are left for later.
/// </summary>
public static class ClaimStatement
{
    public static string For(DatabaseProvider provider, ClaimSpec spec) => provider switch
    {
        DatabaseProvider.Sqlite => $"""
            UPDATE "{spec.Table}" SET "{spec.StatusColumn}" = '{spec.ClaimedValue}'{Sets(spec, '"', '"')}
            WHERE "{spec.IdColumn}" = (SELECT "{spec.IdColumn}" FROM "{spec.Table}" WHERE "{spec.StatusColumn}" = '{spec.ReadyValue}'{Due(spec, '"', '"')}
                ORDER BY {Order(spec, '"', '"')} LIMIT 1)
              AND "{spec.StatusColumn}" = '{spec.ReadyValue}'
            RETURNING *
            """,
        DatabaseProvider.PostgreSql => $"""
            UPDATE "{spec.Table}" SET "{spec.StatusColumn}" = '{spec.ClaimedValue}'{Sets(spec, '"', '"')}
            WHERE "{spec.IdColumn}" = (SELECT "{spec.IdColumn}" FROM "{spec.Table}" WHERE "{spec.StatusColumn}" = '{spec.ReadyValue}'{Due(spec, '"', '"')}
                ORDER BY {Order(spec, '"', '"')} LIMIT 1 FOR UPDATE SKIP LOCKED)
            RETURNING *
            """,
        _ => $"""
            WITH next AS (SELECT TOP (1) * FROM [{spec.Table}] WITH (UPDLOCK, READPAST, ROWLOCK)
                WHERE [{spec.StatusColumn}] = '{spec.ReadyValue}'{Due(spec, '[', ']')} ORDER BY {Order(spec, '[', ']')})
            UPDATE next SET [{spec.StatusColumn}] = '{spec.ClaimedValue}'{Sets(spec, '[', ']')}
            OUTPUT inserted.*
            """,
    };

    private static string Sets(ClaimSpec spec, char open, char close) =>
        string.Concat(spec.SetColumns.Select((c, i) => $", {open}{c}{close} = {{{i}}}"))
        + (spec.IncrementColumn is { } counter ? $", {open}{counter}{close} = {open}{counter}{close} + 1" : "");

    private static string Due(ClaimSpec spec, char open, char close) =>
        spec.DueColumn is { } due ? $" AND {open}{due}{close} <= {{{spec.SetColumns.Count}}}" : "";

    private static string Order(ClaimSpec spec, char open, char close) =>
        string.Join(", ", spec.OrderBy.Select(c => $"{open}{c}{close}"));
}
