namespace OpsConsole.Core.Shared.Data;

/// <summary>
/// Writers that take turns, first come first served, before they write to SQLite (one writer at a time per file).
/// Without it a waiting writer sleeps in SQLite's busy handler, in steps of up to 100 ms, and a writer that commits
/// and writes again at once can take the lock back before the sleeper wakes. The ETL runners write big transactions
/// and small notes in a loop, so on SQLite they queue here instead; on server databases a turn is free.
/// Writers that do not take turns (pages, the API) still wait in the busy handler as before.
/// </summary>
public sealed class SqliteWriteTurns(DatabaseOptions database)
{
    private readonly SemaphoreSlim _turn = new(1, 1);

    /// <summary>Waits for this caller's turn; dispose the result to end it.</summary>
    public async ValueTask<Turn> TakeAsync(CancellationToken ct)
    {
        if (database.Provider != DatabaseProvider.Sqlite)
        {
            return default;
        }
        // SemaphoreSlim hands a release to the longest-waiting async waiter, so turns are taken in arrival order.
        await _turn.WaitAsync(ct);
        return new Turn(_turn);
    }

    public readonly struct Turn(SemaphoreSlim? turn) : IDisposable
    {
        public void Dispose() => turn?.Release();
    }
}
