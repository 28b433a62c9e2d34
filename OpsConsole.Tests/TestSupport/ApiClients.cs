using System.Net.Http.Json;
using System.Text.Json;

namespace OpsConsole.Tests.TestSupport;

/// <summary>An HttpClient on a real address, signed in as a demo user through POST /api/auth/login.</summary>
public static class ApiClients
{
    public static async Task<HttpClient> SignedInAsync(string baseUrl, string user)
    {
        var client = new HttpClient { BaseAddress = new Uri(baseUrl) };
        var login = await client.PostAsJsonAsync("/api/auth/login", new { username = user, password = OpsAppFactory.Password });
        login.EnsureSuccessStatusCode();
        client.DefaultRequestHeaders.Authorization = new("Bearer", (await login.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("token").GetString());
        return client;
    }
}
