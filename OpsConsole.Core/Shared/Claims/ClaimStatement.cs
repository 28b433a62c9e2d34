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

    /// <summary>
    /// PostgreSQL's form for a batch of claimants in one statement: the N oldest ready rows, locked and skipped as in
    /// the single form, the n-th oldest to the n-th claimant. {0} is an array with one value of the first SetColumn
    /// per claimant, in arrival order; the other SetColumns take {1}… for every row. Each returned row carries
    /// <c>claim_order</c>, the 1-based claimant it went to; with fewer ready rows than claimants the last ones get none.
    /// </summary>
    public static string PostgreSqlBatch(ClaimSpec spec)
    {
        if (spec.SetColumns.Count == 0 || spec.IncrementColumn is not null || spec.DueColumn is not null)
        {
            throw new ArgumentException("The batch form sets a per-claimant first column and nothing else per row.", nameof(spec));
        }
        var keys = string.Join(", ", new[] { spec.IdColumn }.Concat(spec.OrderBy).Distinct().Select(c => $"\"{c}\""));
        var shared = string.Concat(spec.SetColumns.Skip(1).Select((c, i) => $", \"{c}\" = {{{i + 1}}}"));
        var order = Order(spec, '"', '"');
        return $$"""
            WITH oldest AS MATERIALIZED (
                SELECT "{{spec.IdColumn}}", row_number() OVER (ORDER BY {{order}}) AS n
                FROM (SELECT {{keys}} FROM "{{spec.Table}}" WHERE "{{spec.StatusColumn}}" = '{{spec.ReadyValue}}'
                      ORDER BY {{order}} LIMIT cardinality({0}) FOR UPDATE SKIP LOCKED) AS locked),
            claimant AS (SELECT value, n FROM unnest({0}) WITH ORDINALITY AS c(value, n))
            UPDATE "{{spec.Table}}" AS target SET "{{spec.StatusColumn}}" = '{{spec.ClaimedValue}}', "{{spec.SetColumns[0]}}" = claimant.value{{shared}}
            FROM oldest JOIN claimant ON claimant.n = oldest.n
            WHERE target."{{spec.IdColumn}}" = oldest."{{spec.IdColumn}}"
            RETURNING target.*, claimant.n AS claim_order
            """;
    }

    private static string Sets(ClaimSpec spec, char open, char close) =>
        string.Concat(spec.SetColumns.Select((c, i) => $", {open}{c}{close} = {{{i}}}"))
        + (spec.IncrementColumn is { } counter ? $", {open}{counter}{close} = {open}{counter}{close} + 1" : "");

    private static string Due(ClaimSpec spec, char open, char close) =>
        spec.DueColumn is { } due ? $" AND {open}{due}{close} <= {{{spec.SetColumns.Count}}}" : "";

    private static string Order(ClaimSpec spec, char open, char close) =>
        string.Join(", ", spec.OrderBy.Select(c => $"{open}{c}{close}"));
}
