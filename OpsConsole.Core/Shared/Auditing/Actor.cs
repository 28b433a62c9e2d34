namespace OpsConsole.Core.Shared.Auditing;

/// <summary>
/// Who is doing something: a signed-in user or service account (with the account it signed in as), or the console
/// itself (a Quartz job, start-up seeding), which has no account and is trusted.
/// </summary>
public sealed record Actor(string Name, IReadOnlyList<string> Roles)
{
    public static readonly Actor System = new("system", []);

    /// <summary>Someone who is not signed in: has an account id that matches no account, so every check refuses it.</summary>
    public static readonly Actor Anonymous = new("anonymous", []) { AccountId = "" };

    /// <summary>The user id of the account signed in; null for the console itself.</summary>
    public string? AccountId { get; init; }

    /// <summary>The account's security stamp when the sign-in (cookie, token, circuit) was made; a newer stamp ends it.</summary>
    public string? SecurityStamp { get; init; }

    /// <summary>The console itself, not a person or an API client: Core commands do not check its roles.</summary>
    public bool IsInternal => AccountId is null;
}
