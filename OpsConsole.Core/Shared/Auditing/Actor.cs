namespace OpsConsole.Core.Shared.Auditing;

/// <summary>Who is doing something: a signed-in user, a service account, or the system itself (a Quartz job).</summary>
public sealed record Actor(string Name, IReadOnlyList<string> Roles)
{
    public static readonly Actor System = new("system", []);
}
