using System.Globalization;

namespace OpsConsole.Core.Shared.Results;

public enum OpsOutcome
{
    Ok,
    Invalid,
    NotFound,
    Conflict,
    /// <summary>An upstream system failed or refused; the API answers 502.</summary>
    Unavailable,
}

/// <summary>What a Core command returns: the value, or why not (field errors, not found, conflict).</summary>
public sealed record OpsResult<T>(OpsOutcome Outcome, T? Value, IReadOnlyDictionary<string, string[]> Errors, string? Message)
{
    public bool Succeeded => Outcome == OpsOutcome.Ok;

    /// <summary>
    /// What a conflict adds to its message for a caller that acts on it (the moves allowed now, what changed since the
    /// caller's version), snake_case keys; the API writes them beside the ProblemDetails' detail.
    /// </summary>
    public IReadOnlyDictionary<string, object?>? Details { get; init; }

    public static OpsResult<T> Ok(T value) => new(OpsOutcome.Ok, value, Empty, null);
    public static OpsResult<T> Invalid(string field, string message) => Invalid(new Dictionary<string, string[]> { [field] = [message] });
    public static OpsResult<T> Invalid(IReadOnlyDictionary<string, string[]> errors) =>
        new(OpsOutcome.Invalid, default, errors, string.Join(" ", errors.SelectMany(e => e.Value)));
    public static OpsResult<T> NotFound(string message) => new(OpsOutcome.NotFound, default, Empty, message);
    public static OpsResult<T> Conflict(string message) => new(OpsOutcome.Conflict, default, Empty, message);
    public static OpsResult<T> Conflict(string message, IReadOnlyDictionary<string, object?> details) =>
        new(OpsOutcome.Conflict, default, Empty, message) { Details = details };
    public static OpsResult<T> Unavailable(string message) => new(OpsOutcome.Unavailable, default, Empty, message);

    /// <summary>The same outcome with the value turned into another (errors and messages as they are).</summary>
    public OpsResult<TOther> Map<TOther>(Func<T, TOther> map) => new(Outcome, Succeeded ? map(Value!) : default, Errors, Message) { Details = Details };

    /// <summary>One line for the UI: the message, or every field error.</summary>
    public string Describe() => Message ?? string.Join(" ", Errors.SelectMany(e => e.Value));

    private static readonly IReadOnlyDictionary<string, string[]> Empty = new Dictionary<string, string[]>();
}

/// <summary>Collects field errors, then turns them into a result.</summary>
public sealed class FieldErrors
{
    private readonly Dictionary<string, List<string>> _errors = new(StringComparer.Ordinal);

    public bool Any => _errors.Count > 0;

    public FieldErrors Add(string field, string message)
    {
        if (!_errors.TryGetValue(field, out var list))
        {
            _errors[field] = list = [];
        }
        list.Add(message);
        return this;
    }

    /// <summary>The fields named so far, as the caller spelt them.</summary>
    public IReadOnlyCollection<string> Fields => _errors.Keys;

    /// <summary>Every message, one line, for a notice.</summary>
    public string Describe() => string.Join(" ", _errors.Values.SelectMany(m => m));

    public FieldErrors Required(string field, string? value, int maxLength)
    {
        if (string.IsNullOrWhiteSpace(value))
        {
            Add(field, $"{field} is required.");
        }
        else if (value.Length > maxLength)
        {
            Add(field, $"{field} must be at most {maxLength} characters.");
        }
        return this;
    }

    public FieldErrors MaxLength(string field, string? value, int maxLength)
    {
        if (value is not null && value.Length > maxLength)
        {
            Add(field, $"{field} must be at most {maxLength} characters.");
        }
        return this;
    }

    /// <summary>An optional whole number sent as text (a query string): absent or empty is null; otherwise it must be in range.</summary>
    public int? OptionalInt(string field, string? text, int min, int max)
    {
        if (string.IsNullOrWhiteSpace(text))
        {
            return null;
        }
        if (int.TryParse(text.Trim(), NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var value) && value >= min && value <= max)
        {
            return value;
        }
        Add(field, $"{field} must be a whole number from {min} to {max}.");
        return null;
    }

    /// <summary>An optional id sent as text: absent or empty is null; otherwise a whole number from 1.</summary>
    public long? OptionalId(string field, string? text)
    {
        if (string.IsNullOrWhiteSpace(text))
        {
            return null;
        }
        if (long.TryParse(text.Trim(), NumberStyles.None, CultureInfo.InvariantCulture, out var value) && value >= 1)
        {
            return value;
        }
        Add(field, $"{field} must be an id (a whole number from 1).");
        return null;
    }

    /// <summary>An optional YYYY-MM-DD date sent as text: absent or empty is null; anything else must be such a date.</summary>
    public DateOnly? OptionalDate(string field, string? text)
    {
        if (string.IsNullOrWhiteSpace(text))
        {
            return null;
        }
        if (DateOnly.TryParseExact(text.Trim(), "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var date))
        {
            return date;
        }
        Add(field, $"{field} must be a date written YYYY-MM-DD.");
        return null;
    }

    /// <summary>An optional point in time sent as text (ISO 8601); a time without an offset is read as UTC.</summary>
    public DateTime? OptionalInstant(string field, string? text)
    {
        if (string.IsNullOrWhiteSpace(text))
        {
            return null;
        }
        if (DateTimeOffset.TryParse(text.Trim(), CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var at))
        {
            return at.UtcDateTime;
        }
        Add(field, $"{field} must be a date and time such as 2026-12-04T08:00:00Z.");
        return null;
    }

    /// <summary>An optional id sent as text: absent or empty is null; anything else must be a GUID.</summary>
    public Guid? OptionalGuid(string field, string? text)
    {
        if (string.IsNullOrWhiteSpace(text))
        {
            return null;
        }
        if (Guid.TryParse(text.Trim(), out var id))
        {
            return id;
        }
        Add(field, $"{field} must be an id such as 0193a1b2-c3d4-7e5f-8a9b-0c1d2e3f4a5b.");
        return null;
    }

    /// <summary>An optional choice sent as text, by its lower-case name (numbers are refused): absent or empty is null.</summary>
    public TEnum? OptionalChoice<TEnum>(string field, string? text) where TEnum : struct, Enum
    {
        if (string.IsNullOrWhiteSpace(text))
        {
            return null;
        }
        var names = Enum.GetNames<TEnum>().Select(OpsNames.Wire).ToList();
        var index = names.IndexOf(text.Trim().ToLowerInvariant());
        if (index >= 0)
        {
            return Enum.GetValues<TEnum>()[index];
        }
        Add(field, $"{field} must be one of {OpsNames.List(names)}.");
        return null;
    }

    /// <summary>An optional yes/no sent as text: true or false (any case); absent or empty is null.</summary>
    public bool? OptionalFlag(string field, string? text)
    {
        if (string.IsNullOrWhiteSpace(text))
        {
            return null;
        }
        if (bool.TryParse(text.Trim(), out var flag))
        {
            return flag;
        }
        Add(field, $"{field} must be true or false.");
        return null;
    }

    /// <summary>Optional text with a length limit; absent, empty or blank is null, the rest is trimmed.</summary>
    public string? OptionalText(string field, string? text, int maxLength)
    {
        if (string.IsNullOrWhiteSpace(text))
        {
            return null;
        }
        MaxLength(field, text, maxLength);
        return text.Trim();
    }

    public OpsResult<T> ToResult<T>() => OpsResult<T>.Invalid(_errors.ToDictionary(e => e.Key, e => e.Value.ToArray()));
}

/// <summary>How names and lists read on the wire and in messages, the same way everywhere.</summary>
public static class OpsNames
{
    /// <summary>An enum value's name as the API writes it: snake_case (<c>NotExpected</c> → <c>not_expected</c>).</summary>
    public static string Wire<TEnum>(this TEnum value) where TEnum : struct, Enum => Wire(value.ToString());

    public static string Wire(string name) => System.Text.Json.JsonNamingPolicy.SnakeCaseLower.ConvertName(name);

    /// <summary>"a, b or c".</summary>
    public static string List(IReadOnlyList<string> items) => items.Count switch
    {
        0 => "",
        1 => items[0],
        _ => string.Join(", ", items.Take(items.Count - 1)) + " or " + items[^1],
    };
}
