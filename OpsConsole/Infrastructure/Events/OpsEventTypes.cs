using System.Runtime.CompilerServices;
using System.Text.Json;
using OpsConsole.Core.Shared.Events;
using OpsConsole.Infrastructure.Api;

namespace OpsConsole.Infrastructure.Events;

/// <summary>
/// Every concrete <see cref="IOpsEvent"/> type of the console (Core's and the app's), by full name, and the JSON the
/// event bridge carries them in: the API's style, so an event reads the same on the hub and on the wire.
/// </summary>
public static class OpsEventTypes
{
    public static readonly JsonSerializerOptions Json = CreateJson();

    public static readonly IReadOnlyDictionary<string, Type> ByName =
        new[] { typeof(IOpsEvent).Assembly, typeof(OpsEventTypes).Assembly }
            .SelectMany(a => a.GetTypes())
            .Where(t => typeof(IOpsEvent).IsAssignableFrom(t) && t is { IsClass: true, IsAbstract: false })
            .ToDictionary(t => t.FullName!, StringComparer.Ordinal);

    public static string Serialize(IOpsEvent evt) => JsonSerializer.Serialize(evt, evt.GetType(), Json);

    public static IOpsEvent? Deserialize(string typeName, string json) =>
        ByName.TryGetValue(typeName, out var type) ? (IOpsEvent?)JsonSerializer.Deserialize(json, type, Json) : null;

    private static JsonSerializerOptions CreateJson()
    {
        var options = new JsonSerializerOptions(JsonSerializerDefaults.Web);
        ApiJson.Configure(options);
        return options;
    }
}

/// <summary>
/// The events this instance received from another one through the bridge (by reference, so it holds no event alive):
/// the bridge does not send them back, and the hub relay leaves them to the SignalR backplane.
/// </summary>
public sealed class BridgedEvents
{
    private readonly ConditionalWeakTable<IOpsEvent, object> _bridged = new();

    public void Mark(IOpsEvent evt) => _bridged.AddOrUpdate(evt, this);

    public bool Contains(IOpsEvent evt) => _bridged.TryGetValue(evt, out _);
}
