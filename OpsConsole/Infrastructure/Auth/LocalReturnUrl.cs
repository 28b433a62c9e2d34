namespace OpsConsole.Infrastructure.Auth;

/// <summary>
/// Where to go after signing in: a path of this console (never another site, never the account pages), percent-encoded
/// so that any character a person pasted into the address bar is a valid Location header.
/// </summary>
public static class LocalReturnUrl
{
    public static string From(string? returnUrl)
    {
        if (returnUrl is not { Length: > 0 } url || !url.StartsWith('/') || url.StartsWith("//", StringComparison.Ordinal)
            || url.StartsWith("/\\", StringComparison.Ordinal) || url.StartsWith("/account/", StringComparison.OrdinalIgnoreCase)
            || url.Any(char.IsControl))
        {
            return "/";
        }
        // Uri escapes what a header may not carry (non-ASCII, spaces) and leaves escapes already there alone.
        return Uri.TryCreate(new Uri("http://console.invalid"), url, out var uri) && uri.Host == "console.invalid" ? uri.PathAndQuery + uri.Fragment : "/";
    }
}
