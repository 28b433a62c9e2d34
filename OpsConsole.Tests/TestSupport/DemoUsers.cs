using OpsConsole.Core.Shared.Identity;

namespace OpsConsole.Tests.TestSupport;

/// <summary>The demo users and the role each holds.</summary>
public static class DemoUsers
{
    public static readonly IReadOnlyDictionary<string, string> RoleOf = new Dictionary<string, string>
    {
        ["viewer"] = OpsRoles.Viewer,
        ["operator"] = OpsRoles.Operator,
        ["supervisor"] = OpsRoles.Supervisor,
        ["admin"] = OpsRoles.Admin,
        ["worker"] = OpsRoles.Worker,
        ["mlengine"] = OpsRoles.MlEngine,
    };

    public static TheoryData<string> All => new(RoleOf.Keys);
}
