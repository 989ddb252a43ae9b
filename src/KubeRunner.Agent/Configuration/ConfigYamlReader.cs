using YamlDotNet.Core;
using YamlDotNet.RepresentationModel;

namespace KubeRunner.Agent.Configuration;

/// <summary>
/// Reads config.yaml text into <see cref="ConfigValues"/> following <see cref="ConfigSchema"/>.
/// It works on YamlDotNet's representation model rather than deserializing into classes so that
/// every value keeps its line, and unknown keys become warnings instead of being dropped silently
/// (forgejo-runner ignores them without a word, which hides typos).
/// </summary>
internal static class ConfigYamlReader
{
    public static ConfigValues Read(string text, string file, List<ConfigWarning> warnings)
    {
        var values = new ConfigValues();
        var root = Parse(text, file, warnings);
        if (root is null || ConfigScalars.IsEmpty(root))
        {
            return values;
        }

        if (root is not YamlMappingNode mapping)
        {
            throw ConfigException.At(file, Line(root), null,
                $"expected a mapping of sections (log, runner, cache, ...), found {ConfigScalars.Describe(root)}");
        }

        ReadSection(mapping, null, file, values, warnings);
        return values;
    }

    private static YamlNode? Parse(string text, string file, List<ConfigWarning> warnings)
    {
        var stream = new YamlStream();
        var parser = new Parser(new StringReader(text));
        try
        {
            stream.Load(parser);
        }
        catch (YamlException exception)
        {
            throw ConfigException.At(file, ErrorLine(exception, text), null, $"invalid YAML: {exception.Message}", exception);
        }
        catch (InvalidOperationException exception)
        {
            // YamlDotNet's scanner fails this way on some malformed flow collections (an unclosed
            // '[' followed by more keys); the last event it parsed is the best line available.
            var line = parser.Current is { } last ? (int)last.End.Line : 1;
            throw ConfigException.At(file, line, null, "invalid YAML: cannot parse the text after this line (an unclosed '[' or '{'?)", exception);
        }

        if (stream.Documents.Count > 1)
        {
            // Go's yaml.Unmarshal, which forgejo-runner uses, reads the first document only.
            warnings.Add(new ConfigWarning(file, Line(stream.Documents[1].RootNode), null,
                "only the first YAML document is read; the ones after '---' are ignored"));
        }

        return stream.Documents.Count == 0 ? null : stream.Documents[0].RootNode;
    }

    private static void ReadSection(YamlMappingNode mapping, string? sectionPath, string file, ConfigValues values, List<ConfigWarning> warnings)
    {
        foreach (var (keyNode, valueNode) in mapping.Children)
        {
            if (keyNode is not YamlScalarNode { Value: { } name })
            {
                throw ConfigException.At(file, Line(keyNode), sectionPath, $"expected a plain key name, found {ConfigScalars.Describe(keyNode)}");
            }

            var path = sectionPath is null ? name : $"{sectionPath}.{name}";
            values.SetLine(path, Line(keyNode));
            if (name.Contains('.', StringComparison.Ordinal))
            {
                // "runner.capacity: 2" is one key with a dot in its name, which forgejo-runner ignores.
                warnings.Add(new ConfigWarning(file, Line(keyNode), path,
                    "unknown key, ignored; dotted names are not expanded, nest the key under its section instead"));
            }
            else if (ConfigSchema.KeysByPath.TryGetValue(path, out var key))
            {
                if (!ConfigScalars.IsEmpty(valueNode))
                {
                    values.Set(path, ConfigScalars.Convert(key.Kind, valueNode, file, path, values.SetLine));
                }
            }
            else if (ConfigSchema.SectionPaths.Contains(path))
            {
                if (valueNode is YamlMappingNode section)
                {
                    ReadSection(section, path, file, values, warnings);
                }
                else if (!ConfigScalars.IsEmpty(valueNode))
                {
                    throw ConfigException.At(file, Line(valueNode), path, $"expected a mapping of keys, found {ConfigScalars.Describe(valueNode)}");
                }
            }
            else
            {
                warnings.Add(new ConfigWarning(file, Line(keyNode), path, UnknownKeyMessage(path)));
            }
        }
    }

    private static string UnknownKeyMessage(string path)
    {
        // Schema order, not the frozen set's hash order: of two keys equally close, the first written wins.
        var known = ConfigSchema.Sections.SelectMany(section => section.Keys).Select(key => key.Path);
        var suggestion = KeySuggestions.Suggest(path, known.Concat(ConfigSchema.SectionPaths));
        return suggestion is null ? "unknown key, ignored" : $"unknown key, ignored; did you mean '{suggestion}'?";
    }

    // YamlDotNet reports tab indentation at the start of the enclosing mapping; point at the tab instead.
    private static int ErrorLine(YamlException exception, string text)
    {
        if (exception.Message.Contains("tab", StringComparison.Ordinal))
        {
            var lines = text.ReplaceLineEndings("\n").Split('\n');
            var index = Array.FindIndex(lines, line => line.Length > line.TrimStart().Length && line[..^line.TrimStart().Length].Contains('\t', StringComparison.Ordinal));
            if (index >= 0)
            {
                return index + 1;
            }
        }

        return (int)exception.Start.Line;
    }

    private static int Line(YamlNode node) => (int)node.Start.Line;
}
