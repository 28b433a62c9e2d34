using System.Runtime.CompilerServices;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Diagnostics;
using OpsConsole.Core.Shared.Events;

namespace OpsConsole.Core.Shared.Auditing;

/// <summary>Publishes an <see cref="AuditRecorded"/> event for every audit entry once its SaveChanges succeeded.</summary>
public sealed class AuditPublisher(IOpsEventStream events, OpsConsole.Core.Shared.Telemetry.OpsMetrics metrics) : SaveChangesInterceptor
{
    private readonly ConditionalWeakTable<DbContext, List<AuditEntry>> _pending = new();

    public override InterceptionResult<int> SavingChanges(DbContextEventData eventData, InterceptionResult<int> result)
    {
        Collect(eventData.Context);
        return result;
    }

    public override ValueTask<InterceptionResult<int>> SavingChangesAsync(DbContextEventData eventData, InterceptionResult<int> result,
        CancellationToken cancellationToken = default)
    {
        Collect(eventData.Context);
        return ValueTask.FromResult(result);
    }

    public override int SavedChanges(SaveChangesCompletedEventData eventData, int result)
    {
        Publish(eventData.Context);
        return result;
    }

    public override ValueTask<int> SavedChangesAsync(SaveChangesCompletedEventData eventData, int result, CancellationToken cancellationToken = default)
    {
        Publish(eventData.Context);
        return ValueTask.FromResult(result);
    }

    public override void SaveChangesFailed(DbContextErrorEventData eventData)
    {
        if (eventData.Context is not null)
        {
            _pending.Remove(eventData.Context);
        }
    }

    public override Task SaveChangesFailedAsync(DbContextErrorEventData eventData, CancellationToken cancellationToken = default)
    {
        SaveChangesFailed(eventData);
        return Task.CompletedTask;
    }

    private void Collect(DbContext? context)
    {
        if (context is null)
        {
            return;
        }
        var added = context.ChangeTracker.Entries<AuditEntry>().Where(e => e.State == EntityState.Added).Select(e => e.Entity).ToList();
        if (added.Count > 0)
        {
            _pending.AddOrUpdate(context, added);
        }
    }

    private void Publish(DbContext? context)
    {
        if (context is null || !_pending.TryGetValue(context, out var written))
        {
            return;
        }
        _pending.Remove(context);
        PublishWritten(written);
    }

    /// <summary>For entries written outside SaveChanges (<see cref="AuditTrail.AppendBatchAsync"/>), once committed.</summary>
    public void PublishWritten(IEnumerable<AuditEntry> written)
    {
        foreach (var e in written)
        {
            metrics.AuditEntries.Add(1, new KeyValuePair<string, object?>("module", e.Module));
            events.Publish(new AuditRecorded(e.Id, e.OccurredAt, e.Actor, e.Module, e.Action, e.EntityType, e.EntityId));
        }
    }
}
