using Microsoft.EntityFrameworkCore;
using OpsConsole.Core.Shared.Auditing;
using OpsConsole.Core.Shared.Data;
using OpsConsole.Core.Shared.Events;
using OpsConsole.Core.Shared.Identity;
using OpsConsole.Core.Shared.Results;
using OpsConsole.Core.Shared.Upstreams;
using OpsConsole.Core.Sync.Adapters;

namespace OpsConsole.Core.Sync;

/// <summary>A connection as an admin sends it (create; an edit also names the <see cref="Version"/> it was read at).</summary>
public sealed record ConnectionRequest(string? Name, RestTaskSystemConfig? Source, RestTaskSystemConfig? Destination, IReadOnlyList<FieldMapping>? FieldMap,
    ConflictPolicy? Policy = null, SyncFilter? Filter = null, DeletePolicy? DeletePolicy = null, int? ScheduleSeconds = null, bool Paused = false,
    int? Version = null, DateTime? CreatedAfter = null);

/// <summary>Connections between task systems: admins create them; everyone who reads sees them.</summary>
public sealed class SyncConnections(IDbContextFactory<OpsDbContext> contexts, AccountGate gate, UpstreamCatalog upstreams, IOpsEventStream events, TimeProvider time)
{
    public const int MinScheduleSeconds = 10;
    public const int MaxScheduleSeconds = 7 * 24 * 3600;

    public async Task<IReadOnlyList<SyncConnection>> ListAsync(CancellationToken ct = default)
    {
        await using var db = await contexts.CreateDbContextAsync(ct);
        return await db.SyncConnections.AsNoTracking().OrderBy(c => c.Name).ToListAsync(ct);
    }

    public async Task<SyncConnection?> GetAsync(long id, CancellationToken ct = default)
    {
        await using var db = await contexts.CreateDbContextAsync(ct);
        return await db.SyncConnections.AsNoTracking().SingleOrDefaultAsync(c => c.Id == id, ct);
    }

    /// <summary>An admin creates a connection; the field map is checked against both sides' schemas (an unknown field is refused, naming it).</summary>
    public async Task<OpsResult<SyncConnection>> CreateAsync(Actor actor, ConnectionRequest request, CancellationToken ct = default)
    {
        await gate.EnsureAsync(actor, OpsPolicies.Administer, ct);
        var errors = Validate(request);
        await using var db = await contexts.CreateDbContextAsync(ct);
        var name = request.Name?.Trim();
        if (name is { Length: > 0 } && await db.SyncConnections.AnyAsync(c => c.Name == name, ct))
        {
            errors.Add("name", $"A connection named '{name}' exists already.");
        }
        if (errors.Any)
        {
            return errors.ToResult<SyncConnection>();
        }
        var now = time.GetUtcNow().UtcDateTime;
        var connection = new SyncConnection
        {
            Name = name!, Source = request.Source!, Destination = request.Destination!, FieldMap = [.. request.FieldMap!],
            Policy = request.Policy ?? ConflictPolicy.NewestWins, Filter = request.Filter, CreatedAfter = Utc(request.CreatedAfter), DeletePolicy = request.DeletePolicy ?? DeletePolicy.Ignore,
            ScheduleSeconds = request.ScheduleSeconds, Paused = request.Paused, Health = request.Paused ? SyncConnectionHealth.Paused : SyncConnectionHealth.InitialSync,
            CreatedAt = now, UpdatedAt = now, UpdatedBy = actor.Name,
        };
        await db.Database.CreateExecutionStrategy().ExecuteAsync(async () =>
        {
            db.ChangeTracker.Clear();
            await using var tx = await db.Database.BeginTransactionAsync(ct);
            db.SyncConnections.Add(connection);
            await db.SaveChangesAsync(ct);
            db.Audit(actor, now, SyncModule.Name, "connection.create", nameof(SyncConnection), connection.Id.ToString(), null,
                new { connection.Name, source = connection.Source.Upstream, destination = connection.Destination.Upstream, fields = connection.FieldMap.Count });
            await db.SaveChangesAsync(ct);
            await tx.CommitAsync(ct);
        });
        events.Publish(new SyncConnectionChanged(connection.Id));
        return OpsResult<SyncConnection>.Ok(connection);
    }

    /// <summary>
    /// An admin replaces a connection's settings, based on the version read (a stale one is refused with the current
    /// version); the map is checked as on create. An auth value left empty keeps the stored one (it is never read back).
    /// Pairs, bases and cursors stay: a changed map takes effect from the next run.
    /// </summary>
    public async Task<OpsResult<SyncConnection>> UpdateAsync(Actor actor, long id, ConnectionRequest request, CancellationToken ct = default)
    {
        await gate.EnsureAsync(actor, OpsPolicies.Administer, ct);
        var errors = Validate(request);
        if (request.Version is null)
        {
            errors.Add("version", "version is required: the connection's version as you read it.");
        }
        await using var db = await contexts.CreateDbContextAsync(ct);
        var name = request.Name?.Trim();
        if (name is { Length: > 0 } && await db.SyncConnections.AnyAsync(c => c.Name == name && c.Id != id, ct))
        {
            errors.Add("name", $"A connection named '{name}' exists already.");
        }
        if (errors.Any)
        {
            return errors.ToResult<SyncConnection>();
        }
        var connection = await db.SyncConnections.SingleOrDefaultAsync(c => c.Id == id, ct);
        if (connection is null)
        {
            return OpsResult<SyncConnection>.NotFound($"No sync connection {id}.");
        }
        if (connection.Version != request.Version)
        {
            return StaleVersion(connection, request.Version);
        }
        var before = Snapshot(connection);
        // Whether an auth value changed is worth saying in the audit line; the value itself never goes there.
        var authChanged = new[] { ("source", request.Source!.AuthValue, connection.Source.AuthValue), ("destination", request.Destination!.AuthValue, connection.Destination.AuthValue) }
            .Where(a => !string.IsNullOrEmpty(a.Item2) && a.Item2 != a.Item3).Select(a => a.Item1).ToList();
        (connection.Name, connection.Source, connection.Destination) = (name!, KeepAuth(request.Source!, connection.Source), KeepAuth(request.Destination!, connection.Destination));
        (connection.FieldMap, connection.Policy, connection.Filter) = ([.. request.FieldMap!], request.Policy ?? connection.Policy, request.Filter);
        (connection.DeletePolicy, connection.ScheduleSeconds, connection.CreatedAfter) = (request.DeletePolicy ?? connection.DeletePolicy, request.ScheduleSeconds, Utc(request.CreatedAfter));
        SetPaused(connection, request.Paused);
        var after = Snapshot(connection);
        if (authChanged.Count == 0 && System.Text.Json.JsonSerializer.Serialize(before) == System.Text.Json.JsonSerializer.Serialize(after))
        {
            return OpsResult<SyncConnection>.Ok(connection);
        }
        return await SaveEditAsync(db, actor, connection, "connection.edit", before, new { after, authValueChanged = authChanged }, ct);
    }

    /// <summary>An admin pauses a connection (health "paused"; the bot leaves a paused connection alone) until it is resumed.</summary>
    public Task<OpsResult<SyncConnection>> PauseAsync(Actor actor, long id, int version, CancellationToken ct = default) => SetPausedAsync(actor, id, version, true, ct);

    /// <summary>An admin resumes a paused connection (also one the sync paused after a connection error).</summary>
    public Task<OpsResult<SyncConnection>> ResumeAsync(Actor actor, long id, int version, CancellationToken ct = default) => SetPausedAsync(actor, id, version, false, ct);

    private async Task<OpsResult<SyncConnection>> SetPausedAsync(Actor actor, long id, int version, bool paused, CancellationToken ct)
    {
        await gate.EnsureAsync(actor, OpsPolicies.Administer, ct);
        await using var db = await contexts.CreateDbContextAsync(ct);
        var connection = await db.SyncConnections.SingleOrDefaultAsync(c => c.Id == id, ct);
        if (connection is null)
        {
            return OpsResult<SyncConnection>.NotFound($"No sync connection {id}.");
        }
        if (connection.Version != version)
        {
            return StaleVersion(connection, version);
        }
        if (connection.Paused == paused)
        {
            return OpsResult<SyncConnection>.Ok(connection);
        }
        var before = new { connection.Paused, health = connection.Health.Wire() };
        SetPaused(connection, paused);
        return await SaveEditAsync(db, actor, connection, paused ? "connection.pause" : "connection.resume", before,
            new { connection.Paused, health = connection.Health.Wire() }, ct);
    }

    private static OpsResult<SyncConnection> StaleVersion(SyncConnection connection, int? version) => OpsResult<SyncConnection>.Conflict(
        $"{connection.Name} was changed since you read it (your version {version}, now {connection.Version}). Reload it and try again.",
        new Dictionary<string, object?> { ["version"] = connection.Version });

    /// <summary>Paused is the admin's switch; health follows it (back to initial sync when nothing was synced yet, else healthy until the next run says otherwise).</summary>
    private static void SetPaused(SyncConnection connection, bool paused)
    {
        if (connection.Paused == paused)
        {
            return;
        }
        connection.Paused = paused;
        // A resumed connection's pause reason (a connection error, ADR 0036) is history: the next run says whether it still holds.
        connection.PauseReason = paused ? connection.PauseReason : null;
        connection.Health = paused ? SyncConnectionHealth.Paused
            : connection.SourceCursor is null && connection.DestinationCursor is null ? SyncConnectionHealth.InitialSync : SyncConnectionHealth.Healthy;
    }

    private static DateTime? Utc(DateTime? at) => at is { } t ? (t.Kind == DateTimeKind.Local ? t.ToUniversalTime() : DateTime.SpecifyKind(t, DateTimeKind.Utc)) : null;

    private static RestTaskSystemConfig KeepAuth(RestTaskSystemConfig sent, RestTaskSystemConfig stored) =>
        string.IsNullOrEmpty(sent.AuthValue) ? sent with { AuthValue = stored.AuthValue } : sent;

    private static object Snapshot(SyncConnection c) => new
    {
        c.Name, source = c.Source with { AuthValue = null }, destination = c.Destination with { AuthValue = null },
        fieldMap = c.FieldMap, policy = c.Policy.Wire(), c.Filter, c.CreatedAfter, deletePolicy = c.DeletePolicy.Wire(), c.ScheduleSeconds, c.Paused,
    };

    private async Task<OpsResult<SyncConnection>> SaveEditAsync(OpsDbContext db, Actor actor, SyncConnection connection, string action, object before, object after,
        CancellationToken ct)
    {
        var now = time.GetUtcNow().UtcDateTime;
        (connection.UpdatedAt, connection.UpdatedBy) = (now, actor.Name);
        connection.Version++;
        db.Audit(actor, now, SyncModule.Name, action, nameof(SyncConnection), connection.Id.ToString(), before, after);
        try
        {
            await db.SaveChangesAsync(ct);
        }
        catch (DbUpdateConcurrencyException)
        {
            return OpsResult<SyncConnection>.Conflict($"{connection.Name} was changed while you saved. Reload it and try again.");
        }
        events.Publish(new SyncConnectionChanged(connection.Id));
        return OpsResult<SyncConnection>.Ok(connection);
    }

    /// <summary>Every problem of a connection at once, each under the field it is about (`field_map[2].destination`).</summary>
    public FieldErrors Validate(ConnectionRequest request)
    {
        var errors = new FieldErrors();
        errors.Required("name", request.Name, SyncConnection.MaxNameLength);
        CheckSide(errors, "source", request.Source);
        CheckSide(errors, "destination", request.Destination);
        if (request.FieldMap is not { Count: > 0 } map)
        {
            errors.Add("field_map", "field_map needs at least one field.");
        }
        else
        {
            for (var i = 0; i < map.Count; i++)
            {
                var m = map[i];
                if (request.Source is { } s && !s.Fields.Contains(m.Source))
                {
                    errors.Add($"field_map[{i}].source", $"The source has no field '{m.Source}' (it has {string.Join(", ", s.Fields)}).");
                }
                if (request.Destination is { } d && !d.Fields.Contains(m.Destination))
                {
                    errors.Add($"field_map[{i}].destination", $"The destination has no field '{m.Destination}' (it has {string.Join(", ", d.Fields)}).");
                }
                if (m.Destination == request.Destination?.MarkerField || m.Source == request.Source?.MarkerField)
                {
                    errors.Add($"field_map[{i}]", $"'{m.Source}' → '{m.Destination}' names a marker field, which the sync keeps for itself.");
                }
                if (m.Values is { } values && values.Values.GroupBy(v => v).FirstOrDefault(g => g.Count() > 1) is { } twice && m.Direction != SyncDirection.ToDestination)
                {
                    errors.Add($"field_map[{i}].values", $"'{twice.Key}' is the destination value of more than one source value, so it cannot be read back (←).");
                }
            }
            if (map.GroupBy(m => m.Destination).FirstOrDefault(g => g.Count() > 1) is { } dup)
            {
                errors.Add("field_map", $"The destination field '{dup.Key}' is mapped more than once.");
            }
        }
        if (request.Filter is { } filter && request.Source is { } src && !src.Fields.Contains(filter.Field))
        {
            errors.Add("filter.field", $"The source has no field '{filter.Field}'.");
        }
        if (request.CreatedAfter is not null && request.Source is { } createdSource && string.IsNullOrWhiteSpace(createdSource.CreatedAtField))
        {
            errors.Add("created_after", "created_after needs the source's created_at_field (the field that says when the source made a task).");
        }
        if (request.ScheduleSeconds is { } seconds && seconds is < MinScheduleSeconds or > MaxScheduleSeconds)
        {
            errors.Add("schedule_seconds", $"schedule_seconds must be between {MinScheduleSeconds} and {MaxScheduleSeconds}.");
        }
        return errors;
    }

    private void CheckSide(FieldErrors errors, string side, RestTaskSystemConfig? config)
    {
        if (config is null)
        {
            errors.Add(side, $"{side} is required.");
            return;
        }
        if (!upstreams.Exists(config.Upstream))
        {
            errors.Add($"{side}.upstream", $"'{config.Upstream}' is not a known upstream ({string.Join(", ", upstreams.Names)}).");
        }
        if (config.BaseUrl is { Length: > 0 } url && !(Uri.TryCreate(url, UriKind.Absolute, out var u) && u.Scheme is "http" or "https"))
        {
            errors.Add($"{side}.base_url", "base_url must be an absolute http(s) address.");
        }
        if (config.BrowseUrl is { Length: > 0 } browse && !(browse.Contains("{id}", StringComparison.Ordinal)
                && Uri.TryCreate(browse.Replace("{id}", "1", StringComparison.Ordinal), UriKind.Absolute, out var b) && b.Scheme is "http" or "https"))
        {
            errors.Add($"{side}.browse_url", "browse_url must be an absolute http(s) address with {id} where the item's id goes.");
        }
        if (config.Fields.Count == 0)
        {
            errors.Add($"{side}.fields", "fields (the system's schema) must list its task fields.");
        }
        if (config.PageSize is < 1 or > 1000)
        {
            errors.Add($"{side}.page_size", "page_size must be between 1 and 1000.");
        }
        foreach (var (name, value) in new[] { ("items_path", config.ItemsPath), ("id_field", config.IdField), ("updated_at_field", config.UpdatedAtField), ("marker_field", config.MarkerField) })
        {
            if (string.IsNullOrWhiteSpace(value))
            {
                errors.Add($"{side}.{name}", $"{name} is required.");
            }
        }
    }
}
