using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using OpsConsole.Core.Shared.Auditing;
using OpsConsole.Core.Shared.Data;
using OpsConsole.Core.Shared.Identity;
using OpsConsole.Core.Shared.Results;

namespace OpsConsole.Core.Shared.Views;

/// <summary>
/// A list's view saved under a name (ADR 0030): the query string of the list's address (its filters, sort and page size,
/// as its <c>XxxView</c> writes them), for one list page, personal to its owner or shared with everyone who reads the list.
/// </summary>
public sealed class SavedView
{
    public const int MaxNameLength = 80;
    public const int MaxQueryLength = 2000;
    public const int MaxPerOwnerAndPage = 50;

    public int Id { get; set; }
    /// <summary>The list page's path ("/maintenance/tickets"): the key other lists adopt the views by.</summary>
    public required string Page { get; set; }
    public required string Name { get; set; }
    /// <summary>The query string without its "?" ("status=all&amp;priority=high"); empty is the list's default view.</summary>
    public required string Query { get; set; }
    /// <summary>The owner's account id (who may delete it, besides admins) and user name (shown).</summary>
    public required string OwnerId { get; set; }
    public required string OwnerName { get; set; }
    public bool Shared { get; set; }
    public DateTime CreatedAt { get; set; }
    public DateTime UpdatedAt { get; set; }
}

/// <summary>Where views are kept: the list page's path, and its module for the audit log.</summary>
public sealed record SavedViewPlace(string Module, string Page);

/// <summary>A view to save: a name, the list's query string, and whether everyone sees it.</summary>
public sealed record NewSavedView(string? Name, string? Query, bool Shared);

/// <summary>
/// Saved views of list pages: everyone who reads a list keeps personal views of it; supervisors and admins also share
/// theirs; the owner deletes a view, admins any. Saving a name the owner already has on that page replaces it. Every
/// change is audited.
/// </summary>
// No event: a personal view's name is nobody else's business, and the menu reads the list each time it opens.
public sealed class SavedViews(IDbContextFactory<OpsDbContext> contexts, TimeProvider time, AccountGate gate)
{
    /// <summary>The views <paramref name="actor"/> sees on a page: their own and the shared ones, shared first, by name.</summary>
    public async Task<IReadOnlyList<SavedView>> ListAsync(Actor actor, SavedViewPlace place, CancellationToken ct = default)
    {
        await gate.EnsureAsync(actor, OpsPolicies.Read, ct);
        var owner = actor.AccountId ?? "";
        await using var db = await contexts.CreateDbContextAsync(ct);
        var views = await db.SavedViews.AsNoTracking().Where(v => v.Page == place.Page && (v.Shared || v.OwnerId == owner)).ToListAsync(ct);
        return views.OrderByDescending(v => v.Shared).ThenBy(v => v.Name, StringComparer.OrdinalIgnoreCase).ThenBy(v => v.Id).ToList();
    }

    public async Task<OpsResult<SavedView>> SaveAsync(Actor actor, SavedViewPlace place, NewSavedView request, CancellationToken ct = default)
    {
        await gate.EnsureAsync(actor, request.Shared ? OpsPolicies.Supervise : OpsPolicies.Read, ct);
        var errors = new FieldErrors();
        errors.Required("name", request.Name, SavedView.MaxNameLength);
        var query = ReadQuery(errors, request.Query);
        if (actor.AccountId is null)
        {
            errors.Add("owner", "Only a signed-in user keeps views.");
        }
        if (errors.Any)
        {
            return errors.ToResult<SavedView>();
        }
        var name = request.Name!.Trim();
        var now = time.GetUtcNow().UtcDateTime;
        await using var db = await contexts.CreateDbContextAsync(ct);
        var view = await db.SavedViews.SingleOrDefaultAsync(v => v.Page == place.Page && v.OwnerId == actor.AccountId && v.Name == name, ct);
        var before = view is null ? null : new { view.Query, view.Shared };
        if (view is null)
        {
            if (await db.SavedViews.CountAsync(v => v.Page == place.Page && v.OwnerId == actor.AccountId, ct) >= SavedView.MaxPerOwnerAndPage)
            {
                return OpsResult<SavedView>.Invalid("name", $"You keep {SavedView.MaxPerOwnerAndPage} views of this list already; delete one first.");
            }
            view = new SavedView { Page = place.Page, Name = name, Query = query, OwnerId = actor.AccountId!, OwnerName = actor.Name, CreatedAt = now };
            db.SavedViews.Add(view);
        }
        view.Query = query;
        view.Shared = request.Shared;
        view.UpdatedAt = now;
        db.Audit(actor, now, place.Module, before is null ? "view.save" : "view.replace", "SavedView", $"{place.Page}#{name}", before,
            new { Query = query, request.Shared });
        try
        {
            await db.SaveChangesAsync(ct);
        }
        catch (DbUpdateException)
        {
            return OpsResult<SavedView>.Conflict($"A view named '{name}' was saved at the same moment; try again.");
        }
        return OpsResult<SavedView>.Ok(view);
    }

    public async Task<OpsResult<SavedView>> DeleteAsync(Actor actor, SavedViewPlace place, long id, CancellationToken ct = default)
    {
        await gate.EnsureAsync(actor, OpsPolicies.Read, ct);
        await using var db = await contexts.CreateDbContextAsync(ct);
        var view = await db.SavedViews.SingleOrDefaultAsync(v => v.Id == id && v.Page == place.Page, ct);
        // Someone else's personal view is not there for this caller at all.
        if (view is null || (!view.Shared && view.OwnerId != actor.AccountId && !actor.IsInternal))
        {
            return OpsResult<SavedView>.NotFound($"No saved view {id} on this list.");
        }
        if (view.OwnerId != actor.AccountId)
        {
            await gate.EnsureAsync(actor, OpsPolicies.Administer, ct);
        }
        db.SavedViews.Remove(view);
        db.Audit(actor, time.GetUtcNow(), place.Module, "view.delete", "SavedView", $"{place.Page}#{view.Name}",
            new { view.Query, view.Shared, Owner = view.OwnerName }, null);
        await db.SaveChangesAsync(ct);
        return OpsResult<SavedView>.Ok(view);
    }

    /// <summary>
    /// A list's query string, with or without its "?": kept only as name=value pairs (re-encoded), so a saved view can
    /// only ever open its own page with parameters that page reads and checks itself.
    /// </summary>
    public static string ReadQuery(FieldErrors errors, string? text)
    {
        var raw = (text ?? "").Trim();
        if (raw.StartsWith('?'))
        {
            raw = raw[1..];
        }
        if (raw.Length > SavedView.MaxQueryLength)
        {
            errors.Add("query", $"query must be at most {SavedView.MaxQueryLength} characters.");
            return "";
        }
        if (raw.Contains('#') || raw.Contains("://", StringComparison.Ordinal) || raw.Any(char.IsControl))
        {
            errors.Add("query", "query must be a list's query string, such as status=all&priority=high.");
            return "";
        }
        var pairs = raw.Split('&', StringSplitOptions.RemoveEmptyEntries).Select(pair =>
        {
            var at = pair.IndexOf('=');
            return at < 0 ? (Key: Decode(pair), Value: "") : (Key: Decode(pair[..at]), Value: Decode(pair[(at + 1)..]));
        }).Where(p => p.Key.Length > 0);
        return string.Join("&", pairs.Select(p => $"{Uri.EscapeDataString(p.Key)}={Uri.EscapeDataString(p.Value)}"));
    }

    private static string Decode(string part)
    {
        try
        {
            return Uri.UnescapeDataString(part.Replace('+', ' '));
        }
        catch (UriFormatException)
        {
            return part;
        }
    }
}

public static class SavedViewsData
{
    extension(OpsDbContext db)
    {
        public DbSet<SavedView> SavedViews => db.Set<SavedView>();
    }
}

internal sealed class SavedViewConfiguration : IEntityTypeConfiguration<SavedView>
{
    public void Configure(EntityTypeBuilder<SavedView> builder)
    {
        builder.ToTable("saved_views");
        builder.Property(v => v.Page).HasMaxLength(200);
        builder.Property(v => v.Name).HasMaxLength(SavedView.MaxNameLength);
        builder.Property(v => v.Query).HasMaxLength(SavedView.MaxQueryLength);
        builder.Property(v => v.OwnerId).HasMaxLength(450);
        builder.Property(v => v.OwnerName).HasMaxLength(256);
        // A name is one view per owner and page: saving it again replaces it.
        builder.HasIndex(v => new { v.Page, v.OwnerId, v.Name }).IsUnique();
        builder.HasIndex(v => new { v.Page, v.Shared });
    }
}
