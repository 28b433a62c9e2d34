using Microsoft.AspNetCore.Identity;

namespace OpsConsole.Core.Shared.Identity;

public sealed class OpsUser : IdentityUser
{
    public string? DisplayName { get; set; }

    /// <summary>A disabled user cannot sign in and loses every session and token at the next check.</summary>
    public bool IsDisabled { get; set; }

    public bool PrefersDarkMode { get; set; }

    public DateTime CreatedAt { get; set; }
}
