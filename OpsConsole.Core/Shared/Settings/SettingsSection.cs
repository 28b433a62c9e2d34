using System.Globalization;

namespace OpsConsole.Core.Shared.Settings;

public enum SettingKind
{
    WholeNumber,
    Number,
    Switch,
}

/// <summary>
/// One runtime setting as its module declares it: the key (its name in the API and in field errors), the words a
/// person reads, its kind, range and default (often the module's configured value, so configuration keeps working
/// until an admin changes it here).
/// </summary>
public sealed record SettingDefinition(string Key, string Label, SettingKind Kind, string Default, double Min = 0, double Max = 0,
    string? Unit = null, string? Help = null)
{
    public static SettingDefinition Whole(string key, string label, int @default, int min, int max, string? unit = null, string? help = null) =>
        new(key, label, SettingKind.WholeNumber, Text(@default), min, max, unit, help);

    public static SettingDefinition Decimal(string key, string label, double @default, double min, double max, string? unit = null, string? help = null) =>
        new(key, label, SettingKind.Number, Text(@default), min, max, unit, help);

    public static SettingDefinition Switch(string key, string label, bool @default, string? help = null) =>
        new(key, label, SettingKind.Switch, Text(@default), Help: help);

    /// <summary>Reads a value as a person or a caller wrote it; the stored text, or null with <paramref name="error"/> in words.</summary>
    public string? Read(string? text, out string? error)
    {
        error = null;
        var value = text?.Trim() ?? "";
        if (value.Length == 0)
        {
            error = $"{Label} is required.";
            return null;
        }
        var range = $"from {Text(Min)} to {Text(Max)}{(Unit is null ? "" : " " + Unit)}";
        switch (Kind)
        {
            case SettingKind.WholeNumber:
                if (double.TryParse(value, NumberStyles.Float, CultureInfo.InvariantCulture, out var whole) && whole == Math.Floor(whole)
                    && whole >= Min && whole <= Max)
                {
                    return Text((long)whole);
                }
                error = $"{Label} must be a whole number {range}.";
                return null;
            case SettingKind.Number:
                if (double.TryParse(value, NumberStyles.Float, CultureInfo.InvariantCulture, out var number) && double.IsFinite(number)
                    && number >= Min && number <= Max)
                {
                    return Text(number);
                }
                error = $"{Label} must be a number {range}.";
                return null;
            default:
                if (bool.TryParse(value, out var flag))
                {
                    return Text(flag);
                }
                error = $"{Label} must be on or off (true or false).";
                return null;
        }
    }

    /// <summary>The stored text as the value it is (a whole number, a number or a switch), for JSON and audit summaries.</summary>
    public object Typed(string text) => Kind switch
    {
        SettingKind.WholeNumber => long.Parse(text, CultureInfo.InvariantCulture),
        SettingKind.Number => double.Parse(text, CultureInfo.InvariantCulture),
        _ => bool.Parse(text),
    };

    public static string Text(double value) => value.ToString("R", CultureInfo.InvariantCulture);
    public static string Text(long value) => value.ToString(CultureInfo.InvariantCulture);
    public static string Text(bool value) => value ? "true" : "false";
}

/// <summary>A module's runtime settings: one section of the Settings page, one entry of GET /api/settings.</summary>
public sealed record SettingsSection(string Module, string Title, IReadOnlyList<SettingDefinition> Settings, string? Description = null)
{
    public SettingDefinition? Find(string key) => Settings.FirstOrDefault(s => s.Key == key);
}

/// <summary>
/// A section's values now: the stored ones, and the defaults for the rest (also for a stored value its definition no
/// longer accepts, say after a range was narrowed).
/// </summary>
public sealed class SettingsValues
{
    public SettingsValues(SettingsSection section, IReadOnlyDictionary<string, RuntimeSetting> stored)
    {
        Section = section;
        var values = new Dictionary<string, string>(StringComparer.Ordinal);
        var kept = new Dictionary<string, RuntimeSetting>(StringComparer.Ordinal);
        foreach (var definition in section.Settings)
        {
            if (stored.TryGetValue(definition.Key, out var row) && definition.Read(row.Value, out _) is { } value)
            {
                values[definition.Key] = value;
                kept[definition.Key] = row;
            }
            else
            {
                values[definition.Key] = definition.Read(definition.Default, out _) ?? definition.Default;
            }
        }
        Values = values;
        Stored = kept;
        var latest = kept.Values.OrderByDescending(r => r.UpdatedAt).FirstOrDefault();
        (UpdatedAt, UpdatedBy) = (latest?.UpdatedAt, latest?.UpdatedBy);
    }

    public SettingsSection Section { get; }
    public string Module => Section.Module;
    public IReadOnlyDictionary<string, string> Values { get; }
    /// <summary>The settings an admin set (the rest are at their default).</summary>
    public IReadOnlyDictionary<string, RuntimeSetting> Stored { get; }
    public DateTime? UpdatedAt { get; }
    public string? UpdatedBy { get; }

    public bool IsDefault(string key) => !Stored.ContainsKey(key);

    public int Whole(string key) => (int)long.Parse(Values[key], CultureInfo.InvariantCulture);

    public double Number(string key) => double.Parse(Values[key], CultureInfo.InvariantCulture);

    public bool Switch(string key) => bool.Parse(Values[key]);
}

/// <summary>
/// How a module declares its section (<c>AddOpsSettings</c>): built once from the services (its options give the
/// defaults), and what to do on this instance right after a change is saved (hand the poller its new settings).
/// </summary>
public sealed record SettingsSectionSource(Func<IServiceProvider, SettingsSection> Build, Action<IServiceProvider, SettingsValues>? Applied);
