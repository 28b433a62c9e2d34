using System.Diagnostics;
using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using OpsConsole.Core.Shared.Data;
using OpsConsole.Core.Shared.Events;

namespace OpsConsole.Core.Etl;

public sealed record ChosenFile(string Type, string Name, int Rows, string Reason);

/// <summary>
/// One job's run: list the files, download each into the file store, keep the file with the most rows per file
/// type (and say why), parse it with the branch's parser config, and replace the job's records and mark it
/// succeeded in one transaction. A crash, a cancel or a lost lease before the commit leaves nothing behind.
/// </summary>
public sealed class EtlPipeline(
    IDbContextFactory<OpsDbContext> contexts,
    EtlFileHostClient fileHost,
    EtlFileStore store,
    SqliteWriteTurns turns,
    IOpsEventStream events,
    EtlMetrics metrics,
    TimeProvider time)
{
    public const string ProcessorVersion = "opsconsole-etl/1";
    public const int MaxErrorsReported = 50;

    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    public async Task RunAsync(EtlJob job, string runner, CancellationToken ct)
    {
        var clock = Stopwatch.StartNew();
        Branch branch;
        await using (var db = await contexts.CreateDbContextAsync(ct))
        {
            branch = await db.Branches.AsNoTracking().SingleAsync(b => b.Id == job.BranchId, ct);
        }
        var config = branch.Parser;
        await NoteAsync(job, "started", $"Attempt {job.Attempts} of {job.MaxAttempts} on {runner}.", ct);

        var listed = await fileHost.ListAsync(job.BranchId, job.Pos, job.WorkDate, ct);
        if (listed.Count == 0)
        {
            throw EtlFailure.NoFilesYet(job.BranchId, job.Pos, job.WorkDate);
        }
        await NoteAsync(job, "listed", $"{listed.Count} file(s): {string.Join(", ", listed.Select(f => $"{f.Name} ({f.Type})"))}.", ct);

        var files = new List<EtlFile>();
        foreach (var remote in listed)
        {
            ct.ThrowIfCancellationRequested();
            files.Add(await DownloadAsync(job, remote, config, ct));
        }
        var chosen = Choose(files);
        using (await turns.TakeAsync(ct))
        await using (var db = await contexts.CreateDbContextAsync(ct))
        {
            db.EtlFiles.AddRange(files);
            await db.EtlJobs.Where(j => j.Id == job.Id).ExecuteUpdateAsync(u => u
                .SetProperty(j => j.FileListJson, JsonSerializer.Serialize(files.Select(f => new { name = f.FileName, type = f.FileType, rows = f.RowCount, bytes = f.SizeBytes, sha256 = f.Sha256 }), Json))
                .SetProperty(j => j.ChosenFilesJson, JsonSerializer.Serialize(chosen, Json)), ct);
            db.EtlJobEvents.Add(EtlService.Event(job, time.GetUtcNow(), "chosen", string.Join(" ", chosen.Select(c => $"{c.Type}: {c.Name} — {c.Reason}."))));
            await db.SaveChangesAsync(ct);
        }

        // Parse and store in one transaction, streaming: memory stays flat whatever the file size. On SQLite the
        // runners take turns to write (SqliteWriteTurns) instead of sleeping in SQLite's busy handler.
        var bad = new List<string>();
        var badCount = 0;
        int stored;
        using (await turns.TakeAsync(ct))
        await using (var db = await contexts.CreateDbContextAsync(ct))
        {
            var strategy = db.Database.CreateExecutionStrategy();
            stored = await strategy.ExecuteAsync(async () =>
            {
                bad.Clear();
                badCount = 0;
                await using var tx = await db.Database.BeginTransactionAsync(ct);
                await using var sources = await ChosenContents.OpenAsync(store, files, ct);
                var count = await EtlRecordWriter.ReplaceAsync(db, job.Id, Records(sources), ct);
                ct.ThrowIfCancellationRequested();
                if (count == 0 && badCount > 0)
                {
                    // Every row was bad: the parser config does not fit these files. Storing "0 records" would hide it.
                    throw new EtlFailure($"None of the {badCount:N0} rows could be read with the branch's parser config; first problem: {bad.FirstOrDefault()}", retriable: false);
                }
                var now = time.GetUtcNow().UtcDateTime;
                var (from, to) = (EtlTransitions.Job.OnlyFrom(EtlJobMove.Succeed), EtlTransitions.Job.To(EtlJobMove.Succeed));
                var moved = await db.EtlJobs
                    .Where(j => j.Id == job.Id && j.Status == from && j.LeaseOwner == runner && !j.CancelRequested)
                    .ExecuteUpdateAsync(u => u.SetProperty(j => j.Status, to).SetProperty(j => j.RecordCount, count)
                        .SetProperty(j => j.BadRowCount, badCount).SetProperty(j => j.FinishedAt, now).SetProperty(j => j.Error, (string?)null)
                        .SetProperty(j => j.AwaitingData, false)
                        .SetProperty(j => j.ProcessorVersion, ProcessorVersion).SetProperty(j => j.LeaseOwner, (string?)null)
                        .SetProperty(j => j.LeaseExpiresAt, (DateTime?)null).SetProperty(j => j.Force, false), ct);
                if (moved == 0)
                {
                    // Cancelled, or the lease went to another runner: this run stores nothing.
                    await tx.RollbackAsync(ct);
                    throw new OperationCanceledException("The job was cancelled or its lease was lost before the records were stored.");
                }
                db.EtlJobEvents.Add(EtlService.Event(job, time.GetUtcNow(), "succeeded",
                    $"Stored {count:N0} records{(badCount > 0 ? $"; skipped {badCount:N0} bad rows" : "")} in {clock.Elapsed.TotalSeconds:F1} s."));
                if (bad.Count > 0)
                {
                    db.EtlJobEvents.Add(EtlService.Event(job, time.GetUtcNow(), "bad-rows", string.Join("\n", bad)));
                }
                await db.SaveChangesAsync(ct);
                await tx.CommitAsync(ct);
                return count;
            });
        }
        metrics.Rows.Add(stored);
        metrics.Jobs.Add(1, new KeyValuePair<string, object?>("outcome", "succeeded"));
        metrics.JobDuration.Record(clock.Elapsed.TotalSeconds);
        events.Publish(new EtlJobsChanged([EtlJobState.Of(job, EtlJobStatus.Succeeded, stored)]));

        IEnumerable<EtlRecord> Records(ChosenContents sources)
        {
            foreach (var (file, content) in sources.Files)
            {
                foreach (var row in PosFileParser.Read(content, config, file.FileType))
                {
                    ct.ThrowIfCancellationRequested();
                    if (!row.Ok)
                    {
                        var where = $"{file.FileName} line {row.Line}: {string.Join("; ", row.Errors.Select(e => $"{e.Field}: {e.Message}"))}";
                        if (row.Unclosed is not null)
                        {
                            // Not a bad row but the rows after it unread: skipping it would store part of the day as all of it.
                            throw new EtlFailure($"The file cannot be read past a quote that never closes (whatever the bad-row policy): {where}", retriable: false);
                        }
                        if (config.BadRows == BadRowPolicy.Fail)
                        {
                            throw new EtlFailure($"Bad row (the branch's policy is to fail the job): {where}", retriable: false);
                        }
                        badCount++;
                        if (bad.Count < MaxErrorsReported)
                        {
                            bad.Add(where);
                        }
                        continue;
                    }
                    var record = row.Record!;
                    record.JobId = job.Id;
                    record.BranchId = job.BranchId;
                    record.Pos = job.Pos;
                    yield return record;
                }
            }
        }
    }

    /// <summary>Per file type, the file with the most rows; ties go to the larger file, then the name.</summary>
    public static IReadOnlyList<ChosenFile> Choose(List<EtlFile> files)
    {
        var chosen = new List<ChosenFile>();
        foreach (var group in files.GroupBy(f => f.FileType).OrderBy(g => g.Key))
        {
            var ordered = group.OrderByDescending(f => f.RowCount).ThenByDescending(f => f.SizeBytes).ThenBy(f => f.FileName, StringComparer.Ordinal).ToList();
            var best = ordered[0];
            var reason = ordered.Count == 1
                ? $"the only {group.Key} file ({best.RowCount:N0} rows)"
                : $"most rows ({best.RowCount:N0}) of {ordered.Count} {group.Key} files; others had {string.Join(", ", ordered.Skip(1).Select(f => f.RowCount.ToString("N0")))}";
            best.Chosen = true;
            best.ChosenReason = reason;
            chosen.Add(new ChosenFile(group.Key, best.FileName, best.RowCount, reason));
        }
        return chosen;
    }

    private async Task<EtlFile> DownloadAsync(EtlJob job, RemoteFile remote, ParserConfig config, CancellationToken ct)
    {
        var (sha, size) = await fileHost.DownloadAsync(remote, store.PutAsync, ct);
        int rows;
        await using (var stored = await store.OpenReadAsync(sha, ct) ?? throw new EtlFailure($"The stored copy of {remote.Name} is missing.", retriable: true))
        {
            rows = PosFileParser.CountRows(stored, config);
        }
        return new EtlFile
        {
            Id = Guid.CreateVersion7(),
            JobId = job.Id,
            BranchId = job.BranchId,
            Pos = job.Pos,
            WorkDate = job.WorkDate,
            FileName = remote.Name,
            FileType = remote.Type,
            Sha256 = sha,
            SizeBytes = size,
            RowCount = rows,
            DownloadedAt = time.GetUtcNow().UtcDateTime,
            Attempt = job.Attempts,
        };
    }

    private async Task NoteAsync(EtlJob job, string kind, string message, CancellationToken ct)
    {
        using var turn = await turns.TakeAsync(ct);
        await using var db = await contexts.CreateDbContextAsync(ct);
        db.EtlJobEvents.Add(EtlService.Event(job, time.GetUtcNow(), kind, message));
        await db.SaveChangesAsync(ct);
    }
}

/// <summary>
/// The chosen files' stored copies, opened before the records are written (the store is read asynchronously; the
/// parser reads each stream as it comes to it) and closed together.
/// </summary>
internal sealed class ChosenContents : IAsyncDisposable
{
    private ChosenContents(List<(EtlFile File, Stream Content)> files) => Files = files;

    public List<(EtlFile File, Stream Content)> Files { get; }

    public static async Task<ChosenContents> OpenAsync(EtlFileStore store, IEnumerable<EtlFile> files, CancellationToken ct)
    {
        var opened = new ChosenContents([]);
        try
        {
            foreach (var file in files.Where(f => f.Chosen))
            {
                opened.Files.Add((file, await store.OpenReadAsync(file.Sha256, ct)
                    ?? throw new EtlFailure($"The stored copy of {file.FileName} is missing.", retriable: true)));
            }
            return opened;
        }
        catch
        {
            await opened.DisposeAsync();
            throw;
        }
    }

    public async ValueTask DisposeAsync()
    {
        foreach (var (_, content) in Files)
        {
            await content.DisposeAsync();
        }
    }
}
