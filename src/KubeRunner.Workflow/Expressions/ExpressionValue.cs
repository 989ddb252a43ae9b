using System.Globalization;
using System.Text;
using System.Text.Json;

namespace KubeRunner.Workflow.Expressions;

/// <summary>The kinds of value an expression works with (GitHub's data model: JSON plus nothing else).</summary>
#pragma warning disable CA1720 // The names are the language's own type names.
public enum ExpressionKind
{
    Null,
    Boolean,
    Number,
    String,
    Array,
    Object,
}
#pragma warning restore CA1720

/// <summary>
/// An immutable value of the expression language: null, boolean, number (IEEE double), string,
/// array or object. Object keys compare case-insensitively, as property access does in GitHub's
/// expressions. Arrays and objects compare by reference (GitHub's rule for <c>==</c>).
/// </summary>
public sealed class ExpressionValue
{
    public static readonly ExpressionValue Null = new(ExpressionKind.Null, null);
    public static readonly ExpressionValue True = new(ExpressionKind.Boolean, true);
    public static readonly ExpressionValue False = new(ExpressionKind.Boolean, false);
    public static readonly ExpressionValue EmptyString = new(ExpressionKind.String, string.Empty);

    private readonly object? _value;

    private ExpressionValue(ExpressionKind kind, object? value)
    {
        Kind = kind;
        _value = value;
    }

    public ExpressionKind Kind { get; }

    public bool IsNull => Kind == ExpressionKind.Null;

    public bool AsBoolean => (bool)_value!;

    public double AsNumber => (double)_value!;

    public string AsString => (string)_value!;

    public IReadOnlyList<ExpressionValue> AsArray => (IReadOnlyList<ExpressionValue>)_value!;

    /// <summary>The members of an object, in insertion order, looked up case-insensitively.</summary>
    public ExpressionObject AsObject => (ExpressionObject)_value!;

    public static ExpressionValue From(bool value) => value ? True : False;

    public static ExpressionValue From(double value) => new(ExpressionKind.Number, value);

    public static ExpressionValue From(string? value) => value is null ? Null : value.Length == 0 ? EmptyString : new(ExpressionKind.String, value);

    public static ExpressionValue From(IEnumerable<ExpressionValue> items) => new(ExpressionKind.Array, items.ToArray());

    public static ExpressionValue From(ExpressionObject members) => new(ExpressionKind.Object, members);

    /// <summary>An object of string values, e.g. <c>env</c> or <c>secrets</c>.</summary>
    public static ExpressionValue FromStrings(IEnumerable<KeyValuePair<string, string>> members)
    {
        var obj = new ExpressionObject();
        foreach (var (key, value) in members)
        {
            obj[key] = From(value);
        }

        return From(obj);
    }

    /// <summary>Parses JSON text.</summary>
    /// <exception cref="JsonException">The text is not JSON.</exception>
    public static ExpressionValue ParseJson(string json)
    {
        using var document = JsonDocument.Parse(json, new JsonDocumentOptions { AllowTrailingCommas = false, MaxDepth = 256 });
        return FromJson(document.RootElement);
    }

    public static ExpressionValue FromJson(JsonElement element) => element.ValueKind switch
    {
        JsonValueKind.Null or JsonValueKind.Undefined => Null,
        JsonValueKind.True => True,
        JsonValueKind.False => False,
        JsonValueKind.Number => From(element.GetDouble()),
        JsonValueKind.String => From(element.GetString()),
        JsonValueKind.Array => From(element.EnumerateArray().Select(FromJson)),
        _ => FromJsonObject(element),
    };

    /// <summary>JSON text of the value; <paramref name="indented"/> gives <c>toJSON</c>'s two-space layout.</summary>
    public string ToJson(bool indented = true)
    {
        var buffer = new MemoryStream();
        using (var writer = new Utf8JsonWriter(buffer, new JsonWriterOptions { Indented = indented, Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping }))
        {
            WriteJson(writer);
        }

        return Encoding.UTF8.GetString(buffer.GetBuffer(), 0, (int)buffer.Length);
    }

    public void WriteJson(Utf8JsonWriter writer)
    {
        ArgumentNullException.ThrowIfNull(writer);
        switch (Kind)
        {
            case ExpressionKind.Null:
                writer.WriteNullValue();
                break;
            case ExpressionKind.Boolean:
                writer.WriteBooleanValue(AsBoolean);
                break;
            case ExpressionKind.Number:
                WriteNumber(writer, AsNumber);
                break;
            case ExpressionKind.String:
                writer.WriteStringValue(AsString);
                break;
            case ExpressionKind.Array:
                writer.WriteStartArray();
                foreach (var item in AsArray)
                {
                    item.WriteJson(writer);
                }

                writer.WriteEndArray();
                break;
            default:
                writer.WriteStartObject();
                foreach (var (key, value) in AsObject)
                {
                    writer.WritePropertyName(key);
                    value.WriteJson(writer);
                }

                writer.WriteEndObject();
                break;
        }
    }

    /// <summary>Number text as GitHub prints it: integers without a fraction, others round-trip.</summary>
    public static string FormatNumber(double number)
    {
        if (double.IsNaN(number))
        {
            return "NaN";
        }

        if (double.IsInfinity(number))
        {
            return number > 0 ? "Infinity" : "-Infinity";
        }

        if (number == Math.Floor(number) && Math.Abs(number) < 1e15)
        {
            return ((long)number).ToString(CultureInfo.InvariantCulture);
        }

        return number.ToString("R", CultureInfo.InvariantCulture);
    }

    public override string ToString() => Kind switch
    {
        ExpressionKind.Null => "null",
        ExpressionKind.String => AsString,
        _ => ToJson(indented: false),
    };

    private static void WriteNumber(Utf8JsonWriter writer, double number)
    {
        if (double.IsNaN(number) || double.IsInfinity(number))
        {
            // JSON has no such numbers; GitHub writes them as their names.
            writer.WriteStringValue(FormatNumber(number));
        }
        else if (number == Math.Floor(number) && Math.Abs(number) < 1e15)
        {
            writer.WriteNumberValue((long)number);
        }
        else
        {
            writer.WriteNumberValue(number);
        }
    }

    private static ExpressionValue FromJsonObject(JsonElement element)
    {
        var obj = new ExpressionObject();
        foreach (var property in element.EnumerateObject())
        {
            obj[property.Name] = FromJson(property.Value);
        }

        return From(obj);
    }
}
