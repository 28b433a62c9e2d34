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

    public static OpsResult<T> Ok(T value) => new(OpsOutcome.Ok, value, Empty, null);
    public static OpsResult<T> Invalid(string field, string message) => Invalid(new Dictionary<string, string[]> { [field] = [message] });
    public static OpsResult<T> Invalid(IReadOnlyDictionary<string, string[]> errors) =>
        new(OpsOutcome.Invalid, default, errors, string.Join(" ", errors.SelectMany(e => e.Value)));
    public static OpsResult<T> NotFound(string message) => new(OpsOutcome.NotFound, default, Empty, message);
    public static OpsResult<T> Conflict(string message) => new(OpsOutcome.Conflict, default, Empty, message);
    public static OpsResult<T> Unavailable(string message) => new(OpsOutcome.Unavailable, default, Empty, message);

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

    public OpsResult<T> ToResult<T>() => OpsResult<T>.Invalid(_errors.ToDictionary(e => e.Key, e => e.Value.ToArray()));
}
