using System.Text.Json;
using System.Text.Json.Nodes;
using OpsConsole.Core.Shared.Settings;

namespace OpsConsole.Features.Settings;

/// <summary>One runtime setting: its value now (a number or true/false), its default, and what a person reads about it.</summary>
public sealed record SettingResponse(string Key, string Label, SettingKind Kind, JsonNode? Value, JsonNode? DefaultValue, bool IsDefault,
    double? Min, double? Max, string? Unit, string? Help);

/// <summary>A module's section of the runtime settings (GET /api/settings, PUT /api/settings/{module}).</summary>
public sealed record SettingsSectionResponse(string Module, string Title, string? Description, IReadOnlyList<SettingResponse> Settings,
    DateTime? UpdatedAt, string? UpdatedBy)
{
    public static SettingsSectionResponse From(SettingsValues values) => new(values.Module, values.Section.Title, values.Section.Description,
        values.Section.Settings.Select(d => new SettingResponse(d.Key, d.Label, d.Kind, JsonValue.Create(d.Typed(values.Values[d.Key])),
            d.Read(d.Default, out _) is { } fallback ? JsonValue.Create(d.Typed(fallback)) : null, values.IsDefault(d.Key),
            d.Kind == SettingKind.Switch ? null : d.Min, d.Kind == SettingKind.Switch ? null : d.Max, d.Unit, d.Help)).ToList(),
        values.UpdatedAt, values.UpdatedBy);

    /// <summary>A body's values as text for Core to check: numbers as written, true/false, text as it is; null stays null.</summary>
    public static IReadOnlyDictionary<string, string?> Changes(IReadOnlyDictionary<string, JsonElement> body) => body.ToDictionary(b => b.Key, b => b.Value.ValueKind switch
    {
        JsonValueKind.Null or JsonValueKind.Undefined => null,
        JsonValueKind.String => b.Value.GetString(),
        JsonValueKind.True => "true",
        JsonValueKind.False => "false",
        _ => b.Value.GetRawText(),
    }, StringComparer.Ordinal);
}
