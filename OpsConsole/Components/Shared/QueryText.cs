using System.Collections.Concurrent;
using System.Globalization;
using System.Reflection;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.WebUtilities;
using OpsConsole.Core.Shared.Results;

namespace OpsConsole.Components.Shared;

/// <summary>
/// A page address's query parameters as text, by name. It is read into and written from the API's own query records
/// (<c>JobsQuery</c>, <c>PageQuery</c> …) by their <c>[FromQuery(Name = …)]</c> names, so a page's address and its
/// API take the same parameters under the same names, and Core checks both the same way. A name with no value is
/// kept as "owned but empty": writing it removes the parameter from the address.
/// </summary>
public sealed class QueryText : IEquatable<QueryText>
{
    private static readonly ConcurrentDictionary<Type, (ConstructorInfo Constructor, string[] Names, PropertyInfo[] Properties)> Records = new();

    private readonly Dictionary<string, string?> _values;

    private QueryText(Dictionary<string, string?> values) => _values = values;

    public static QueryText Empty { get; } = new(new Dictionary<string, string?>(StringComparer.Ordinal));

    /// <summary>Every name, with its text or null.</summary>
    public IReadOnlyDictionary<string, string?> Values => _values;

    public string? this[string name] => _values.GetValueOrDefault(name);

    /// <summary>The query of an address (absolute or relative); a name given twice keeps its first value.</summary>
    public static QueryText Parse(string address)
    {
        var query = address.IndexOf('?') is var at and >= 0 ? address[at..] : "";
        var hash = query.IndexOf('#');
        var parsed = QueryHelpers.ParseQuery(hash >= 0 ? query[..hash] : query);
        return new QueryText(parsed.ToDictionary(p => p.Key, p => (string?)p.Value.FirstOrDefault(), StringComparer.Ordinal));
    }

    /// <summary>The parameters of one or more query records, by their [FromQuery] names; blank values are kept as empty names.</summary>
    public static QueryText From(params object[] records)
    {
        var values = new Dictionary<string, string?>(StringComparer.Ordinal);
        foreach (var record in records)
        {
            var (_, names, properties) = Shape(record.GetType());
            for (var i = 0; i < names.Length; i++)
            {
                values[names[i]] = properties[i].GetValue(record) is string { Length: > 0 } text && !string.IsNullOrWhiteSpace(text) ? text : null;
            }
        }
        return new QueryText(values);
    }

    /// <summary>A query record (every constructor parameter a string with [FromQuery]) filled from these parameters.</summary>
    public T Read<T>() where T : class
    {
        var (constructor, names, _) = Shape(typeof(T));
        return (T)constructor.Invoke(names.Select(n => (object?)this[n]).ToArray());
    }

    /// <summary>These parameters without the named ones (a bad value is dropped and the view read again without it).</summary>
    public QueryText Without(IEnumerable<string> names)
    {
        var copy = new Dictionary<string, string?>(_values, StringComparer.Ordinal);
        foreach (var name in names)
        {
            copy.Remove(name);
        }
        return new QueryText(copy);
    }

    public static string? Text(int? value) => value?.ToString(CultureInfo.InvariantCulture);

    public static string? Text(long? value) => value?.ToString(CultureInfo.InvariantCulture);

    /// <summary>A date as Core reads one: YYYY-MM-DD.</summary>
    public static string? Text(DateOnly? value) => value?.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);

    /// <summary>A point in time as Core reads one (ISO 8601, UTC); midnight as the day alone.</summary>
    public static string? Text(DateTime? value) => value switch
    {
        null => null,
        { TimeOfDay.Ticks: 0 } day => day.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture),
        { } at => at.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture),
    };

    /// <summary>A choice as the API writes it: snake_case.</summary>
    public static string? Text<TEnum>(TEnum? value) where TEnum : struct, Enum => value is { } v ? v.Wire() : null;

    public static string? Text(bool? value) => value switch { true => "true", false => "false", null => null };

    public bool Equals(QueryText? other) =>
        other is not null && Meaningful(this).Count == Meaningful(other).Count && Meaningful(this).All(p => other[p.Key] == p.Value);

    public override bool Equals(object? obj) => Equals(obj as QueryText);

    public override int GetHashCode() => Meaningful(this).Count;

    public override string ToString() => string.Join("&", Meaningful(this).Select(p => $"{p.Key}={p.Value}"));

    private static Dictionary<string, string> Meaningful(QueryText query) =>
        query._values.Where(p => p.Value is not null).ToDictionary(p => p.Key, p => p.Value!, StringComparer.Ordinal);

    private static (ConstructorInfo, string[], PropertyInfo[]) Shape(Type type) => Records.GetOrAdd(type, t =>
    {
        var constructor = t.GetConstructors().OrderByDescending(c => c.GetParameters().Length).First();
        var parameters = constructor.GetParameters();
        if (parameters.Any(p => p.ParameterType != typeof(string)))
        {
            throw new InvalidOperationException($"{t.Name} is not a query record: every parameter must arrive as text.");
        }
        return (constructor,
            parameters.Select(p => p.GetCustomAttribute<FromQueryAttribute>()?.Name ?? p.Name!).ToArray(),
            parameters.Select(p => t.GetProperty(p.Name!) ?? throw new InvalidOperationException($"{t.Name}.{p.Name} has no property.")).ToArray());
    });
}
