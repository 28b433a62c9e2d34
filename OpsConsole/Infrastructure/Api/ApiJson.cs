using System.Text.Json;
using System.Text.Json.Serialization;

namespace OpsConsole.Infrastructure.Api;

/// <summary>
/// The one JSON style of the API and the hub: snake_case field names (the seeds' style: <c>from_station_id</c>,
/// <c>page_size</c>) and enums as snake_case strings. Dictionary keys are data (branch ids, field names) and stay as
/// they are. Numbers are numbers: "5" for a quantity is refused, naming the field, as a person would expect of an API
/// that documents an integer.
/// </summary>
public static class ApiJson
{
    public static void Configure(JsonSerializerOptions options)
    {
        options.PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower;
        options.NumberHandling = JsonNumberHandling.Strict;
        options.Converters.Add(new JsonStringEnumConverter(JsonNamingPolicy.SnakeCaseLower, allowIntegerValues: false));
    }
}
