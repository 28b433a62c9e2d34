using System.Net;
using System.Text.RegularExpressions;
using Microsoft.AspNetCore.Mvc.Testing;

namespace OpsConsole.Tests.TestSupport;

/// <summary>A browser-like client of the in-memory server: it keeps cookies and signs in through the sign-in form.</summary>
public static partial class CookieSessions
{
    public static async Task<HttpClient> SignedInWithCookieAsync(this OpsAppFactory app, string user)
    {
        var client = app.CreateClient(new WebApplicationFactoryClientOptions { HandleCookies = true, AllowAutoRedirect = false });
        var form = await FormTokenAsync(client);
        var response = await client.PostAsync("/account/login", new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["_handler"] = "login",
            ["__RequestVerificationToken"] = form,
            ["Input.UserName"] = user,
            ["Input.Password"] = OpsAppFactory.Password,
        }));
        response.StatusCode.Should().BeOneOf([HttpStatusCode.Redirect, HttpStatusCode.Found, HttpStatusCode.SeeOther],
            "the sign-in form redirects after a good sign-in");
        return client;
    }

    /// <summary>An antiforgery token for the client's current user, as a form of the console carries it.</summary>
    public static async Task<string> FormTokenAsync(HttpClient client)
    {
        var page = await client.GetStringAsync("/account/login");
        return TokenField().Match(page) is { Success: true } match ? WebUtility.HtmlDecode(match.Groups[1].Value)
            : throw new InvalidOperationException("The sign-in page carries no antiforgery token.");
    }

    [GeneratedRegex("name=\"__RequestVerificationToken\" value=\"([^\"]+)\"")]
    private static partial Regex TokenField();
}
