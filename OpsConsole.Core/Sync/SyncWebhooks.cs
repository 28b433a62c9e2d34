using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using System.Threading.Channels;
using Microsoft.EntityFrameworkCore;
using OpsConsole.Core.Shared.Auditing;
using OpsConsole.Core.Shared.Data;
using OpsConsole.Core.Shared.Events;
using OpsConsole.Core.Shared.Identity;
using OpsConsole.Core.Shared.Results;

namespace OpsConsole.Core.Sync;

/// <summary>A webhook that passed its checks: the connection and the items it names (source ids), to be run.</summary>
public sealed record SyncWebhookRun(long ConnectionId, IReadOnlyList<string> SourceIds);

/// <summary>What became of a webhook: queued (<see cref="Run"/>), or refused as unauthenticated (<see cref="Refusal"/>, a 401), unknown or invalid (<see cref="Result"/>).</summary>
public sealed record SyncWebhookVerdict(SyncWebhookRun? Run, string? Refusal, OpsResult<SyncWebhookRun>? Result);

/// <summary>
/// Event-based runs (ADR 0036): a task system (or the simulators) tells the console which items changed with
/// `POST /api/sync/connections/{id}/webhook`, signed with the connection's secret: header
/// <see cref="TimestampHeader"/> (Unix seconds) and <see cref="SignatureHeader"/> `sha256=` + hex HMAC-SHA256 of
/// `{timestamp}.{body}`. The signature is compared in constant time; an unsigned, badly signed or stale body
/// (further than `Sync:WebhookMaxAgeSeconds` from now) is refused. A good one queues a run limited to its items; the
/// interval run stays the periodic scan that heals webhooks that never came.
/// </summary>
public sealed class SyncWebhooks(IDbContextFactory<OpsDbContext> contexts, AccountGate gate, IOpsEventStream events, SyncOptions options, TimeProvider time)
{
    public const string TimestampHeader = "X-OpsConsole-Timestamp";
    public const string SignatureHeader = "X-OpsConsole-Signature";
    public const int MaxItems = 500;

    private readonly Channel<SyncWebhookRun> _queue = Channel.CreateUnbounded<SyncWebhookRun>();

    /// <summary>The runs webhooks asked for, in order (read by the app's webhook runner).</summary>
    public ChannelReader<SyncWebhookRun> Queue => _queue.Reader;

    public static string NewSecret() => Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(32));

    /// <summary>The signature a sender puts in <see cref="SignatureHeader"/>.</summary>
    public static string Sign(string secret, string timestamp, ReadOnlySpan<byte> body)
    {
        var signed = Encoding.UTF8.GetBytes(timestamp + ".").Concat(body.ToArray()).ToArray();
        return "sha256=" + Convert.ToHexStringLower(HMACSHA256.HashData(Encoding.UTF8.GetBytes(secret), signed));
    }

    /// <summary>An admin makes the connection a new webhook secret (the old one stops working), audited; the secret is shown this once.</summary>
    public async Task<OpsResult<string>> RotateSecretAsync(Actor actor, long connectionId, CancellationToken ct = default)
    {
        await gate.EnsureAsync(actor, OpsPolicies.Administer, ct);
        var now = time.GetUtcNow().UtcDateTime;
        var secret = NewSecret();
        await using var db = await contexts.CreateDbContextAsync(ct);
        var found = false;
        await db.Database.CreateExecutionStrategy().ExecuteAsync(async () =>
        {
            db.ChangeTracker.Clear();
            await using var tx = await db.Database.BeginTransactionAsync(ct);
            var connection = await db.SyncConnections.SingleOrDefaultAsync(c => c.Id == connectionId, ct);
            found = connection is not null;
            if (connection is null)
            {
                return;
            }
            var had = connection.WebhookSecret is not null;
            connection.WebhookSecret = secret;
            db.Audit(actor, now, SyncModule.Name, "connection.webhook-secret", nameof(SyncConnection), connectionId.ToString(), new { had_secret = had }, new { rotated = true });
            await db.SaveChangesAsync(ct);
            await tx.CommitAsync(ct);
        });
        if (!found)
        {
            return OpsResult<string>.NotFound($"No sync connection {connectionId}.");
        }
        events.Publish(new SyncConnectionChanged(connectionId));
        return OpsResult<string>.Ok(secret);
    }

    /// <summary>
    /// Checks a webhook's signature and age, then queues a run of the items it names (source or destination ids of
    /// the connection). The refusal says what was wrong: unknown connection, no secret yet, unsigned, stale, bad signature.
    /// </summary>
    public async Task<SyncWebhookVerdict> AcceptAsync(long connectionId, string? timestamp, string? signature, byte[] body,
        IReadOnlyList<string>? items, CancellationToken ct = default)
    {
        await using var db = await contexts.CreateDbContextAsync(ct);
        var connection = await db.SyncConnections.AsNoTracking().SingleOrDefaultAsync(c => c.Id == connectionId, ct);
        if (connection is null)
        {
            return new(null, null, OpsResult<SyncWebhookRun>.NotFound($"No sync connection {connectionId}."));
        }
        if (connection.WebhookSecret is not { } secret)
        {
            return Refused($"Connection {connectionId} has no webhook secret yet; an admin makes one (POST /api/sync/connections/{connectionId}/webhook-secret).");
        }
        if (string.IsNullOrEmpty(timestamp) || string.IsNullOrEmpty(signature))
        {
            return Refused($"The webhook is not signed: it needs the headers {TimestampHeader} and {SignatureHeader}.");
        }
        if (!long.TryParse(timestamp, NumberStyles.None, CultureInfo.InvariantCulture, out var seconds)
            || Math.Abs((time.GetUtcNow() - DateTimeOffset.FromUnixTimeSeconds(Math.Clamp(seconds, 0, 253_402_300_799))).TotalSeconds) > options.WebhookMaxAgeSeconds)
        {
            return Refused($"The webhook's {TimestampHeader} is not within {options.WebhookMaxAgeSeconds} s of now (a replay, or a clock far off).");
        }
        var expected = Encoding.ASCII.GetBytes(Sign(secret, timestamp, body));
        if (!CryptographicOperations.FixedTimeEquals(expected, Encoding.ASCII.GetBytes(signature.Trim())))
        {
            return Refused($"The webhook's {SignatureHeader} does not match its body (HMAC-SHA256 of '{{timestamp}}.{{body}}' with the connection's secret).");
        }
        if (connection.Paused)
        {
            // Signed and well meant, but a paused connection runs only when someone asks (ADR 0036).
            return new(null, null, OpsResult<SyncWebhookRun>.Conflict($"Connection {connectionId} is paused{(connection.PauseReason is { } why ? ": " + why : "")}; the webhook is not run."));
        }
        var errors = new FieldErrors();
        if (items is not { Count: > 0 and <= MaxItems } || items.Any(string.IsNullOrWhiteSpace))
        {
            errors.Add("items", $"items must list between 1 and {MaxItems} task ids.");
            return new(null, null, errors.ToResult<SyncWebhookRun>());
        }
        // A destination id means its pair's source item; anything else is taken as a source id.
        var named = items.Select(i => i.Trim()).Distinct(StringComparer.Ordinal).ToList();
        var bySource = await db.SyncPairs.AsNoTracking().Where(p => p.ConnectionId == connectionId && named.Contains(p.DestinationId))
            .ToDictionaryAsync(p => p.DestinationId, p => p.SourceId, ct);
        var run = new SyncWebhookRun(connectionId, named.Select(i => bySource.GetValueOrDefault(i) ?? i).Distinct(StringComparer.Ordinal).ToList());
        _queue.Writer.TryWrite(run);
        return new(run, null, null);
    }

    private static SyncWebhookVerdict Refused(string why) => new(null, why, null);
}
