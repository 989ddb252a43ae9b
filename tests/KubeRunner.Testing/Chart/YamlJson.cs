using System.Globalization;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using YamlDotNet.Core;
using YamlDotNet.RepresentationModel;

namespace KubeRunner.Testing.Chart;

/// <summary>
/// YAML to JSON with the typing Helm and kubectl apply (sigs.k8s.io/yaml, YAML 1.1): an unquoted
/// <c>on</c> is true, <c>0440</c> is octal 288, <c>8081</c> a number, <c>"8081"</c> a string. A
/// manifest is judged as the API server would receive it, so a value the template forgot to quote
/// (or quoted by mistake) fails the strict read.
/// </summary>
public static partial class YamlJson
{
    private static readonly HashSet<string> Trues = new(StringComparer.Ordinal) { "y", "Y", "yes", "Yes", "YES", "on", "On", "ON", "true", "True", "TRUE" };
    private static readonly HashSet<string> Falses = new(StringComparer.Ordinal) { "n", "N", "no", "No", "NO", "off", "Off", "OFF", "false", "False", "FALSE" };
    private static readonly HashSet<string> Nulls = new(StringComparer.Ordinal) { "", "~", "null", "Null", "NULL" };

    /// <summary>Converts a YAML node to the JSON kubectl would send.</summary>
    public static JsonNode? Convert(YamlNode node) => node switch
    {
        YamlMappingNode mapping => Mapping(mapping),
        YamlSequenceNode sequence => new JsonArray([.. sequence.Children.Select(Convert)]),
        YamlScalarNode scalar => Scalar(scalar),
        _ => throw new FormatException($"unsupported YAML node at {node.Start}"),
    };

    private static JsonObject Mapping(YamlMappingNode mapping)
    {
        var json = new JsonObject();
        foreach (var (key, value) in mapping.Children)
        {
            // YamlDotNet already refuses a key given twice in one mapping.
            var name = (key as YamlScalarNode)?.Value ?? throw new FormatException($"a mapping key that is not a scalar at {key.Start}");
            json[name] = Convert(value);
        }

        return json;
    }

    private static JsonValue? Scalar(YamlScalarNode scalar)
    {
        var text = scalar.Value ?? "";
        if (scalar.Style != ScalarStyle.Plain || (!scalar.Tag.IsEmpty && !scalar.Tag.IsNonSpecific && scalar.Tag.Value == "tag:yaml.org,2002:str"))
        {
            return JsonValue.Create(text);
        }

        if (Nulls.Contains(text))
        {
            return null;
        }

        if (Trues.Contains(text) || Falses.Contains(text))
        {
            return JsonValue.Create(Trues.Contains(text));
        }

        var digits = text.Replace("_", "", StringComparison.Ordinal);
        if (Integer(digits) is { } integer)
        {
            return JsonValue.Create(integer);
        }

        return FloatPattern().IsMatch(digits) && double.TryParse(digits, NumberStyles.Float, CultureInfo.InvariantCulture, out var number)
            ? JsonValue.Create(number)
            : JsonValue.Create(text);
    }

    // Go's strconv.ParseInt(text, 0, 64): decimal, 0x hex, 0o/0 octal, 0b binary, with a sign.
    private static long? Integer(string text)
    {
        var match = IntegerPattern().Match(text);
        if (!match.Success)
        {
            return null;
        }

        var (digits, radix) = match.Groups["body"].Value switch
        {
            var b when b.StartsWith("0x", StringComparison.OrdinalIgnoreCase) => (b[2..], 16),
            var b when b.StartsWith("0o", StringComparison.OrdinalIgnoreCase) => (b[2..], 8),
            var b when b.StartsWith("0b", StringComparison.OrdinalIgnoreCase) => (b[2..], 2),
            var b when b.Length > 1 && b[0] == '0' => (b[1..], 8),
            var b => (b, 10),
        };
        try
        {
            var value = System.Convert.ToInt64(digits, radix);
            return match.Groups["sign"].Value == "-" ? -value : value;
        }
        catch (Exception e) when (e is FormatException or OverflowException or ArgumentException)
        {
            return null;
        }
    }

    [GeneratedRegex(@"^(?<sign>[-+]?)(?<body>0[xX][0-9a-fA-F]+|0[oO][0-7]+|0[bB][01]+|0[0-7]*|[1-9][0-9]*)$", RegexOptions.CultureInvariant)]
    private static partial Regex IntegerPattern();

    [GeneratedRegex(@"^[-+]?(\.[0-9]+|[0-9]+(\.[0-9]*)?)([eE][-+]?[0-9]+)?$", RegexOptions.CultureInvariant)]
    private static partial Regex FloatPattern();
}
