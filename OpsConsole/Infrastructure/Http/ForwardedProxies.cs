using System.Net;
using Microsoft.AspNetCore.HttpOverrides;

namespace OpsConsole.Infrastructure.Http;

/// <summary>
/// Behind a TLS-terminating proxy the console sees plain HTTP from the proxy. The proxy's X-Forwarded-For and
/// X-Forwarded-Proto are believed from the addresses in `Proxy:KnownProxies` / `Proxy:KnownNetworks` (a proxy on the
/// same host, loopback, when neither is set) and from nobody else, so that the request counts as HTTPS: sign-in
/// cookies are then `Secure`, the same-origin check compares the right scheme and HSTS applies.
/// </summary>
public static class ForwardedProxies
{
    public static IServiceCollection AddForwardedProxies(this IServiceCollection services, IConfiguration configuration)
    {
        var proxies = List(configuration, "Proxy:KnownProxies").Select(p => IPAddress.TryParse(p, out var ip) ? ip
            : throw new InvalidOperationException($"Proxy:KnownProxies: '{p}' is not an IP address.")).ToList();
        var networks = List(configuration, "Proxy:KnownNetworks").Select(n => System.Net.IPNetwork.TryParse(n, out var net) ? net
            : throw new InvalidOperationException($"Proxy:KnownNetworks: '{n}' is not a network such as 10.0.0.0/8.")).ToList();
        services.Configure<ForwardedHeadersOptions>(o =>
        {
            o.ForwardedHeaders = ForwardedHeaders.XForwardedFor | ForwardedHeaders.XForwardedProto;
            if (proxies.Count + networks.Count == 0)
            {
                return; // ASP.NET Core's default: loopback only
            }
            o.KnownProxies.Clear();
            o.KnownIPNetworks.Clear();
            proxies.ForEach(o.KnownProxies.Add);
            networks.ForEach(o.KnownIPNetworks.Add);
        });
        return services;
    }

    private static IEnumerable<string> List(IConfiguration configuration, string key) =>
        (configuration[key] ?? "").Split([',', ';', ' '], StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
}
