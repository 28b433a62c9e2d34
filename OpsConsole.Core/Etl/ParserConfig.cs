using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.Json.Serialization;
using OpsConsole.Core.Shared.Results;

namespace OpsConsole.Core.Etl;

public enum BadRowPolicy
{
    /// <summary>One bad row fails the job; nothing is stored.</summary>
    Fail,
    /// <summary>Bad rows are skipped and counted; the job succeeds with the good ones.</summary>
    Skip,
}

/// <summary>Which column (0-based) holds each field. Optional fields may be null.</summary>
public sealed record ParserColumns
{
    public int Date { get; init; }
    public int? Time { get; init; } = 1;
    public int Tnsc { get; init; } = 2;
    public int ItemCode { get; init; } = 3;
    public int? Department { get; init; } = 4;
    public int Quantity { get; init; } = 5;
    public int Amount { get; init; } = 6;
    public int? PaymentMethod { get; init; } = 7;

    /// <summary>Cells a row needs: one past the highest column used.</summary>
    [JsonIgnore]
    public int CellsNeeded => All().Max(c => c.Index ?? -1) + 1;

    public IEnumerable<(string Field, int? Index)> All() =>
    [
        ("date", Date), ("time", Time), ("tnsc", Tnsc), ("item_code", ItemCode), ("department", Department),
        ("quantity", Quantity), ("amount", Amount), ("payment_method", PaymentMethod),
    ];
}

/// <summary>
/// How one branch's POS files read (docs/etl-parser-config.md): delimiter, header rows, encoding, a column per
/// field, date and time formats, decimal separator, clean-up rules and what to do with a bad row.
/// </summary>
public sealed record ParserConfig
{
    public static readonly ParserConfig Default = new();

    /// <summary>The API's one naming style (snake_case, ADR 0012), also how a branch stores it.</summary>
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web)
    {
        PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower,
        Converters = { new JsonStringEnumConverter(JsonNamingPolicy.SnakeCaseLower) },
        UnmappedMemberHandling = JsonUnmappedMemberHandling.Disallow,
    };

    /// <summary>How branches stored it before ADR 0012 (camelCase); read, never written.</summary>
    private static readonly JsonSerializerOptions EarlierJson = new(JsonSerializerDefaults.Web)
    {
        Converters = { new JsonStringEnumConverter(JsonNamingPolicy.CamelCase) },
    };

    public string Delimiter { get; init; } = ",";
    public int HeaderRows { get; init; } = 1;
    public string Encoding { get; init; } = "utf-8";
    public ParserColumns Columns { get; init; } = new();
    public string DateFormat { get; init; } = "yyyy-MM-dd";
    public string TimeFormat { get; init; } = "HH:mm:ss";
    public string DecimalSeparator { get; init; } = ".";
    public bool TrimCells { get; init; } = true;
    /// <summary>Characters removed from numbers before parsing (currency signs, thousands separators).</summary>
    public string StripFromNumbers { get; init; } = "";
    public bool UppercaseItemCodes { get; init; }
    /// <summary>Rows whose first cell starts with this are ignored (trailer or comment lines), if set.</summary>
    public string? SkipRowsStartingWith { get; init; }
    public BadRowPolicy BadRows { get; init; } = BadRowPolicy.Fail;

    public string ToJson() => JsonSerializer.Serialize(this, Json);

    public static ParserConfig FromJson(string json)
    {
        try
        {
            return JsonSerializer.Deserialize<ParserConfig>(json, Json) ?? Default;
        }
        catch (JsonException)
        {
            return JsonSerializer.Deserialize<ParserConfig>(json, EarlierJson) ?? Default;
        }
    }

    /// <summary>
    /// Parses and validates JSON from an editor or the API. Every problem is reported at once, each under its field
    /// (`parser_config.columns.amount`) and in words a person knows: "must be a whole number", not a .NET type name.
    /// </summary>
    public static OpsResult<ParserConfig> Parse(string? json)
    {
        if (string.IsNullOrWhiteSpace(json))
        {
            return OpsResult<ParserConfig>.Ok(Default);
        }
        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(json);
        }
        catch (JsonException ex)
        {
            return OpsResult<ParserConfig>.Invalid("parser_config",
                $"parser_config is not valid JSON (line {ex.LineNumber + 1}, character {ex.BytePositionInLine + 1}): check the commas, quotes and braces there.");
        }
        using (document)
        {
            var errors = new FieldErrors();
            Shape.Check(document.RootElement, "parser_config", errors);
            if (errors.Any)
            {
                return errors.ToResult<ParserConfig>();
            }
            var config = document.RootElement.Deserialize<ParserConfig>(Json)!;
            config.Validate(errors, "parser_config.");
            return errors.Any ? errors.ToResult<ParserConfig>() : OpsResult<ParserConfig>.Ok(config);
        }
    }

    /// <summary>What each field of the JSON must be, so that wrong types are all named before anything is read.</summary>
    private sealed record Shape(JsonValueKind Kind, bool Nullable, string Expected, IReadOnlyDictionary<string, Shape>? Fields = null, string[]? Choices = null)
    {
        private static readonly Shape Text = new(JsonValueKind.String, false, "text in quotes");
        private static readonly Shape TextOrNull = new(JsonValueKind.String, true, "text in quotes, or null");
        private static readonly Shape Whole = new(JsonValueKind.Number, false, "a whole number");
        private static readonly Shape Column = new(JsonValueKind.Number, false, "a column number (the first column is 0)");
        private static readonly Shape OptionalColumn = new(JsonValueKind.Number, true, "a column number (the first column is 0), or null when the files have none");
        private static readonly Shape YesNo = new(JsonValueKind.True, false, "true or false");

        private static readonly Shape Root = new(JsonValueKind.Object, false, "an object such as { \"delimiter\": \";\" }", new Dictionary<string, Shape>
        {
            ["delimiter"] = Text, ["header_rows"] = Whole, ["encoding"] = Text, ["date_format"] = Text, ["time_format"] = Text,
            ["decimal_separator"] = Text, ["trim_cells"] = YesNo, ["strip_from_numbers"] = Text, ["uppercase_item_codes"] = YesNo,
            ["skip_rows_starting_with"] = TextOrNull,
            ["bad_rows"] = new(JsonValueKind.String, false, "\"fail\" or \"skip\"", Choices: ["fail", "skip"]),
            ["columns"] = new(JsonValueKind.Object, false, "an object of column numbers", new Dictionary<string, Shape>
            {
                ["date"] = Column, ["time"] = OptionalColumn, ["tnsc"] = Column, ["item_code"] = Column, ["department"] = OptionalColumn,
                ["quantity"] = Column, ["amount"] = Column, ["payment_method"] = OptionalColumn,
            }),
        });

        public static void Check(JsonElement element, string path, FieldErrors errors) => Root.CheckValue(element, path, errors);

        private void CheckValue(JsonElement value, string path, FieldErrors errors)
        {
            var fits = value.ValueKind switch
            {
                JsonValueKind.Null => Nullable,
                JsonValueKind.True or JsonValueKind.False => Kind == JsonValueKind.True,
                JsonValueKind.Number => Kind == JsonValueKind.Number && value.TryGetInt32(out _),
                JsonValueKind.String => Kind == JsonValueKind.String && (Choices is null || Choices.Contains(value.GetString())),
                var kind => kind == Kind,
            };
            if (!fits)
            {
                errors.Add(path, $"{path} must be {Expected}.");
                return;
            }
            if (Fields is null || value.ValueKind != JsonValueKind.Object)
            {
                return;
            }
            foreach (var property in value.EnumerateObject())
            {
                if (Fields.TryGetValue(property.Name, out var field))
                {
                    field.CheckValue(property.Value, $"{path}.{property.Name}", errors);
                }
                else
                {
                    errors.Add($"{path}.{property.Name}", $"{path}.{property.Name} is not a setting; the settings here are {string.Join(", ", Fields.Keys)}.");
                }
            }
        }
    }

    public void Validate(FieldErrors errors, string prefix = "")
    {
        if (string.IsNullOrEmpty(Delimiter) || Delimiter.Length > 3 || Delimiter.Contains('"') || Delimiter.Contains('\n') || Delimiter.Contains('\r'))
        {
            errors.Add(prefix + "delimiter", "delimiter must be 1 to 3 characters, not a quote or a line break.");
        }
        if (HeaderRows is < 0 or > 20)
        {
            errors.Add(prefix + "header_rows", "header_rows must be between 0 and 20.");
        }
        if (TryEncoding(Encoding) is null)
        {
            errors.Add(prefix + "encoding", $"encoding '{Encoding}' is not a text encoding the console knows (utf-8, utf-16, iso-8859-1, windows-1252 …).");
        }
        foreach (var (field, index) in Columns.All())
        {
            if (index is < 0 or > 200)
            {
                errors.Add(prefix + "columns." + field, $"columns.{field} must be a column index from 0 to 200.");
            }
        }
        var used = Columns.All().Where(c => c.Index is not null).GroupBy(c => c.Index).FirstOrDefault(g => g.Count() > 1);
        if (used is not null)
        {
            errors.Add(prefix + "columns", $"Column {used.Key} is given to {string.Join(" and ", used.Select(u => u.Field))}.");
        }
        if (!IsUsableFormat(DateFormat, new DateTime(2026, 11, 23)) || !(DateFormat.Contains('d') && DateFormat.Contains('M') && DateFormat.Contains('y')))
        {
            errors.Add(prefix + "date_format", "date_format must be a date pattern such as yyyy-MM-dd or dd/MM/yyyy (d day, M month, y year).");
        }
        if (Columns.Time is not null && (!IsUsableFormat(TimeFormat, new DateTime(2026, 11, 23, 13, 45, 30))
            || !((TimeFormat.Contains('H') || TimeFormat.Contains('h')) && TimeFormat.Contains('m'))))
        {
            errors.Add(prefix + "time_format", "time_format must be a time pattern such as HH:mm:ss or HH:mm (H hour, m minute, s second).");
        }
        if (DecimalSeparator is not ("." or ","))
        {
            errors.Add(prefix + "decimal_separator", "decimal_separator must be \".\" or \",\".");
        }
        else if (DecimalSeparator == Delimiter)
        {
            errors.Add(prefix + "decimal_separator", "decimal_separator cannot be the delimiter.");
        }
        if (StripFromNumbers.Contains(DecimalSeparator, StringComparison.Ordinal) || StripFromNumbers.Length > 10)
        {
            errors.Add(prefix + "strip_from_numbers", "strip_from_numbers must not contain the decimal separator (at most 10 characters).");
        }
    }

    [JsonIgnore]
    public Encoding TextEncoding => TryEncoding(Encoding) ?? System.Text.Encoding.UTF8;

    private static Encoding? TryEncoding(string name)
    {
        try
        {
            System.Text.Encoding.RegisterProvider(CodePagesEncodingProvider.Instance);
            return System.Text.Encoding.GetEncoding(name);
        }
        catch (ArgumentException)
        {
            return null;
        }
    }

    private static bool IsUsableFormat(string format, DateTime sample)
    {
        if (string.IsNullOrWhiteSpace(format) || format.Length > 40)
        {
            return false;
        }
        try
        {
            var text = sample.ToString(format, CultureInfo.InvariantCulture);
            return DateTime.TryParseExact(text, format, CultureInfo.InvariantCulture, DateTimeStyles.None, out _);
        }
        catch (FormatException)
        {
            return false;
        }
    }
}
