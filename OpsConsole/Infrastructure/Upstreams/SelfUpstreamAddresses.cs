using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.Options;
using OpsConsole.Core.Shared.Upstreams;
using OpsConsole.Simulators;

namespace OpsConsole.Infrastructure.Upstreams;

/// <summary>
/// An upstream's configured BaseUrl, or else this console's own simulator for it: the app's listening address
/// (read from the server once it runs, so tests on a random port work too) plus /sim/{name}/.
/// </summary>
public sealed class SelfUpstreamAddresses(IServer server, IOptionsMonitor<UpstreamOptions> upstreams, SimulatorOptions simulators,
    IConfiguration configuration) : IUpstreamAddresses
{
    public Uri? BaseAddress(string upstream)
    {
        var configured = upstreams.Get(upstream).BaseUrl;
        if (!string.IsNullOrWhiteSpace(configured))
        {
            return new Uri(configured.EndsWith('/') ? configured : configured + "/");
        }
        if (!simulators.Enabled)
        {
            return null;
        }
        return new Uri(SelfAddress(), $"sim/{upstream}/");
    }

    /// <summary>This console's own base address, for in-process callers of its public API (the dispatch simulation).</summary>
    public Uri SelfAddress()
    {
        var listening = server.Features.Get<IServerAddressesFeature>()?.Addresses.FirstOrDefault(a => a.StartsWith("http://", StringComparison.Ordinal))
            ?? server.Features.Get<IServerAddressesFeature>()?.Addresses.FirstOrDefault();
        var address = listening ?? configuration["Simulators:SelfUrl"] ?? "http://127.0.0.1:5080";
        address = address.Replace("://0.0.0.0", "://127.0.0.1").Replace("://[::]", "://127.0.0.1")
            .Replace("://+", "://127.0.0.1").Replace("://*", "://127.0.0.1");
        return new Uri(address.EndsWith('/') ? address : address + "/");
    }
}
