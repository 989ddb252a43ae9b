using System.Collections.Immutable;
using System.Globalization;
using YamlDotNet.Core;
using YamlDotNet.RepresentationModel;

namespace KubeRunner.Agent.Configuration;

/// <summary>Turns one YAML value into the typed value of its <see cref="ConfigValueKind"/>, or explains what is wrong.</summary>
internal static class ConfigScalars
{
    /// <summary>
    /// True for a value that was left empty (<c>key:</c>, <c>key: ~</c>, <c>key: null</c>, <c>key: ""</c>):
    /// such keys keep their default, as they do in forgejo-runner.
    /// </summary>
    public static bool IsEmpty(YamlNode node) => node is YamlScalarNode scalar &&
        (string.IsNullOrEmpty(scalar.Value) ||
         (scalar.Style == ScalarStyle.Plain && scalar.Value is "~" or "null" or "Null" or "NULL"));

    /// <summary>
    /// Parses <paramref name="node"/> as <paramref name="kind"/>. List items are reported to
    /// <paramref name="itemLine"/> so that later checks (labels) can name the item's line.
    /// </summary>
    public static object Convert(ConfigValueKind kind, YamlNode node, string file, string path, Action<string, int> itemLine) => kind switch
    {
        ConfigValueKind.StringList => ToList(node, file, path, itemLine),
        ConfigValueKind.StringMap => ToMap(node, file, path),
        ConfigValueKind.Profiles => DockerProfileReader.Read(node, file, path, itemLine),
        ConfigValueKind.KubernetesProfiles => KubernetesProfileReader.Read(node, file, path, itemLine),
        _ => ToScalar(kind, Text(node, file, path, "a single value"), file, path, Line(node)),
    };

    /// <summary>A short description of a node for messages: <c>a list</c>, <c>a mapping</c> or the quoted scalar.</summary>
    public static string Describe(YamlNode node) => node switch
    {
        YamlSequenceNode => "a list",
        YamlMappingNode => "a mapping",
        YamlScalarNode scalar => $"'{scalar.Value}'",
        _ => "something else",
    };

    private static object ToScalar(ConfigValueKind kind, string text, string file, string path, int line)
    {
        object? value = kind switch
        {
            ConfigValueKind.Text => text,
            ConfigValueKind.Bool => ParseBoolean(text),
            ConfigValueKind.Integer => ParseInteger(text, int.MinValue, int.MaxValue),
            ConfigValueKind.Count => ParseInteger(text, 0, int.MaxValue),
            ConfigValueKind.Port => ParseInteger(text, 0, ushort.MaxValue),
            ConfigValueKind.Duration => GoDuration.TryParse(text, out var duration) ? duration : null,
            ConfigValueKind.Size => ByteSize.TryParse(text, out var size) ? size : null,
            _ => throw new ArgumentOutOfRangeException(nameof(kind), kind, "not a scalar kind"),
        };
        return value ?? throw ConfigException.At(file, line, path, Problem(kind, text));
    }

    private static string Problem(ConfigValueKind kind, string text) => kind switch
    {
        ConfigValueKind.Bool => $"'{text}' is not a boolean (use true or false)",
        ConfigValueKind.Integer => $"'{text}' is not a whole number",
        ConfigValueKind.Count => $"'{text}' is not a whole number of 0 or more",
        ConfigValueKind.Port => $"'{text}' is not a port number (0 to 65535)",
        ConfigValueKind.Size => $"'{text}' is not a size ({ByteSize.Syntax})",
        // Go's YAML decoder refuses bare numbers for durations; say how to fix it rather than just "invalid".
        _ when decimal.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out _) =>
            $"'{text}' has no unit (add a unit, e.g. {text}s; units are ns, us, ms, s, m, h)",
        _ => $"'{text}' is not a duration (use Go syntax, e.g. 30s, 1m30s, 1.5h)",
    };

    // forgejo-runner decodes booleans with Go's YAML decoder, which also takes the YAML 1.1 words.
    private static bool? ParseBoolean(string text) => text.ToUpperInvariant() switch
    {
        "TRUE" or "YES" or "ON" => true,
        "FALSE" or "NO" or "OFF" => false,
        _ => null,
    };

    private static int? ParseInteger(string text, int min, int max) =>
        long.TryParse(text, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var number) && number >= min && number <= max
            ? (int)number
            : null;

    private static ImmutableArray<string> ToList(YamlNode node, string file, string path, Action<string, int> itemLine)
    {
        if (node is not YamlSequenceNode sequence)
        {
            throw ConfigException.At(file, Line(node), path, $"expected a list, found {Describe(node)}");
        }

        var items = ImmutableArray.CreateBuilder<string>(sequence.Children.Count);
        foreach (var item in sequence.Children)
        {
            var itemPath = $"{path}[{items.Count}]";
            itemLine(itemPath, Line(item));
            items.Add(IsEmpty(item) ? "" : Text(item, file, itemPath, "a single value per list item"));
        }

        return items.MoveToImmutable();
    }

    private static ImmutableSortedDictionary<string, string> ToMap(YamlNode node, string file, string path)
    {
        if (node is not YamlMappingNode mapping)
        {
            throw ConfigException.At(file, Line(node), path, $"expected a mapping of NAME: value, found {Describe(node)}");
        }

        var entries = RunnerOptions.NoEnvs.ToBuilder();
        foreach (var (key, value) in mapping.Children)
        {
            var name = Text(key, file, path, "a plain name as key");
            entries[name] = IsEmpty(value) ? "" : Text(value, file, $"{path}.{name}", "a single value");
        }

        return entries.ToImmutable();
    }

    private static string Text(YamlNode node, string file, string path, string expected) => node is YamlScalarNode scalar
        ? scalar.Value ?? ""
        : throw ConfigException.At(file, Line(node), path, $"expected {expected}, found {Describe(node)}");

    private static int Line(YamlNode node) => (int)node.Start.Line;
}
