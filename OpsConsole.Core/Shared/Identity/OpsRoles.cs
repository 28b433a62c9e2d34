namespace OpsConsole.Core.Shared.Identity;

/// <summary>The roles of SPEC.md. People have one of the first four; API clients have a service role.</summary>
public static class OpsRoles
{
    public const string Viewer = "viewer";
    public const string Operator = "operator";
    public const string Supervisor = "supervisor";
    public const string Admin = "admin";
    public const string Worker = "worker";
    public const string MlEngine = "ml-engine";

    public static readonly IReadOnlyList<string> People = [Viewer, Operator, Supervisor, Admin];
    public static readonly IReadOnlyList<string> ServiceAccounts = [Worker, MlEngine];
    public static readonly IReadOnlyList<string> All = [.. People, .. ServiceAccounts];

    public static bool IsKnown(string role) => All.Contains(role, StringComparer.Ordinal);
}

/// <summary>
/// The one authorization table: every endpoint and page names one of these policies, and the API tests read this
/// table to know which roles each protected endpoint must admit and refuse.
/// </summary>
public static class OpsPolicies
{
    /// <summary>Any enabled account, whatever its role (the hub, where each topic then names who may read it).</summary>
    public const string SignedIn = "signed-in";
    public const string Read = "read";
    public const string Operate = "operate";
    public const string Supervise = "supervise";
    public const string Administer = "administer";
    public const string Dispatch = "dispatch";
    public const string PostSuggestions = "post-suggestions";

    public static readonly IReadOnlyDictionary<string, IReadOnlyList<string>> RolesByPolicy =
        new Dictionary<string, IReadOnlyList<string>>
        {
            [SignedIn] = OpsRoles.All,
            [Read] = [OpsRoles.Viewer, OpsRoles.Operator, OpsRoles.Supervisor, OpsRoles.Admin],
            [Operate] = [OpsRoles.Operator, OpsRoles.Supervisor, OpsRoles.Admin],
            [Supervise] = [OpsRoles.Supervisor, OpsRoles.Admin],
            [Administer] = [OpsRoles.Admin],
            // Only worker accounts claim and complete: a supervisor's or admin's claim would take a task off a real worker's queue (ADR 0017).
            [Dispatch] = [OpsRoles.Worker],
            [PostSuggestions] = [OpsRoles.MlEngine, OpsRoles.Admin],
        };

    public static bool Allows(string policy, string role) => RolesByPolicy[policy].Contains(role, StringComparer.Ordinal);
}
