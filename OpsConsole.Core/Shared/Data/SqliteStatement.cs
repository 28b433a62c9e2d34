using System.Globalization;
using Microsoft.Data.Sqlite;
using SQLitePCL;

namespace OpsConsole.Core.Shared.Data;

/// <summary>
/// One statement prepared on an open <see cref="SqliteConnection"/>'s own handle (so it runs in the connection's
/// transaction), with values bound by position and read by column number. For the hot paths that run a statement
/// thousands of times (bulk record inserts, the export, batched claims and their audit rows): Microsoft.Data.Sqlite
/// looks every parameter up by name on every execution, a data reader makes a string of every value, and a
/// many-row INSERT with hundreds of named parameters costs SQLite a search per name. Values are written in the text
/// forms EF uses on SQLite, so EF reads the rows back unchanged.
/// </summary>
public sealed class SqliteStatement : IDisposable
{
    private readonly sqlite3 _db;
    private readonly sqlite3_stmt _statement;
    private bool _kept;

    public SqliteStatement(SqliteConnection connection, string sql)
    {
        _db = connection.Handle ?? throw new InvalidOperationException("The connection is not open.");
        Check(raw.sqlite3_prepare_v2(_db, sql, out _statement));
    }

    /// <summary>
    /// The statement for this SQL, prepared once per native connection and kept with it (until the pool closes the
    /// connection), reset and ready to bind. For statements a long-lived connection runs batch after batch. Disposing
    /// it only resets it, so a statement left mid-way by an exception never holds the connection's transaction open.
    /// </summary>
    public static SqliteStatement Reuse(SqliteConnection connection, string sql)
    {
        var handle = connection.Handle ?? throw new InvalidOperationException("The connection is not open.");
        var statements = Kept.GetOrCreateValue(handle);
        lock (statements)
        {
            if (!statements.TryGetValue(sql, out var statement))
            {
                statements[sql] = statement = new SqliteStatement(connection, sql) { _kept = true };
            }
            statement.Reset();
            raw.sqlite3_clear_bindings(statement._statement);
            return statement;
        }
    }

    /// <summary>Runs a statement without results (BEGIN, COMMIT…), kept with the connection like <see cref="Reuse"/>.</summary>
    public static void Execute(SqliteConnection connection, string sql)
    {
        using var statement = Reuse(connection, sql);
        statement.Step();
    }

    /// <summary>Whether a transaction is open on the connection (SQLite is not in autocommit mode).</summary>
    public static bool InTransaction(SqliteConnection connection) =>
        connection.Handle is { } handle && raw.sqlite3_get_autocommit(handle) == 0;

    private static readonly System.Runtime.CompilerServices.ConditionalWeakTable<sqlite3, Dictionary<string, SqliteStatement>> Kept = [];

    public void Bind(int index, string? text) => Check(text is null ? raw.sqlite3_bind_null(_statement, index) : raw.sqlite3_bind_text(_statement, index, text));

    public void Bind(int index, long value) => Check(raw.sqlite3_bind_int64(_statement, index, value));

    public void Bind(int index, long? value) => Check(value is { } v ? raw.sqlite3_bind_int64(_statement, index, v) : raw.sqlite3_bind_null(_statement, index));

    /// <summary>A date-time in EF's SQLite text, `yyyy-MM-dd HH:mm:ss.FFFFFFF`.</summary>
    public void Bind(int index, DateTime value) => Bind(index, DateTimeText(value));

    /// <summary>A named parameter (`@name`) by name, for statements built with names; a number binds as an integer, anything else as its invariant text.</summary>
    public void Bind(string name, object? value)
    {
        var index = raw.sqlite3_bind_parameter_index(_statement, name);
        if (index == 0)
        {
            throw new ArgumentException($"The statement has no parameter {name}.", nameof(name));
        }
        switch (value)
        {
            case null or DBNull:
                Bind(index, (string?)null);
                break;
            case long or int or short or byte:
                Bind(index, Convert.ToInt64(value, CultureInfo.InvariantCulture));
                break;
            case DateTime at:
                Bind(index, at);
                break;
            default:
                Bind(index, Convert.ToString(value, CultureInfo.InvariantCulture));
                break;
        }
    }

    /// <summary>Runs the statement to its next row: true when there is one, false when it is done.</summary>
    public bool Step()
    {
        var rc = raw.sqlite3_step(_statement);
        if (rc == raw.SQLITE_ROW)
        {
            return true;
        }
        if (rc != raw.SQLITE_DONE)
        {
            Check(rc);
        }
        return false;
    }

    /// <summary>Makes the statement ready to run again; the bound values stay until bound anew.</summary>
    public void Reset() => raw.sqlite3_reset(_statement);

    public int ColumnCount => raw.sqlite3_column_count(_statement);

    public string ColumnName(int column) => raw.sqlite3_column_name(_statement, column).utf8_to_string();

    /// <summary>The number of the named result column (RETURNING *), or an exception naming it.</summary>
    public int Ordinal(string name)
    {
        for (var i = 0; i < ColumnCount; i++)
        {
            if (string.Equals(ColumnName(i), name, StringComparison.OrdinalIgnoreCase))
            {
                return i;
            }
        }
        throw new IndexOutOfRangeException($"The statement returns no column {name}.");
    }

    public bool IsNull(int column) => raw.sqlite3_column_type(_statement, column) == raw.SQLITE_NULL;

    public long Int64(int column) => raw.sqlite3_column_int64(_statement, column);

    public string? Text(int column) => IsNull(column) ? null : raw.sqlite3_column_text(_statement, column).utf8_to_string();

    /// <summary>The value as the UTF-8 bytes SQLite holds (an integer as its text); valid until the next step.</summary>
    public ReadOnlySpan<byte> Bytes(int column) => raw.sqlite3_column_blob(_statement, column);

    /// <summary>A stored date-time read back as UTC (EF's SQLite text has no zone; the console stores UTC).</summary>
    public DateTime? UtcDateTime(int column) =>
        Text(column) is { } text ? DateTime.SpecifyKind(DateTime.Parse(text, CultureInfo.InvariantCulture), DateTimeKind.Utc) : null;

    public void Dispose()
    {
        if (_kept)
        {
            Reset();
        }
        else
        {
            _statement.Dispose();
        }
    }

    private void Check(int rc)
    {
        if (rc != raw.SQLITE_OK)
        {
            SqliteException.ThrowExceptionForRC(rc, _db);
        }
    }

    /// <summary>`yyyy-MM-dd HH:mm:ss.FFFFFFF`, EF's SQLite text for a DateTime, through the sortable format's fast path.</summary>
    public static string DateTimeText(DateTime value)
    {
        var fraction = (int)(value.Ticks % TimeSpan.TicksPerSecond);
        var digits = 7;
        while (fraction != 0 && fraction % 10 == 0)
        {
            fraction /= 10;
            digits--;
        }
        return string.Create(fraction == 0 ? 19 : 20 + digits, (value, fraction), static (span, state) =>
        {
            state.value.TryFormat(span, out _, "s", CultureInfo.InvariantCulture); // yyyy-MM-ddTHH:mm:ss
            span[10] = ' ';
            if (span.Length > 19)
            {
                span[19] = '.';
                for (int at = span.Length - 1, rest = state.fraction; at > 19; at--, rest /= 10)
                {
                    span[at] = (char)('0' + rest % 10);
                }
            }
        });
    }
}
