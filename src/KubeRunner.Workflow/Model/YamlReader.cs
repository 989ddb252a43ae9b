using YamlDotNet.Core;
using YamlDotNet.RepresentationModel;

namespace KubeRunner.Workflow.Model;

/// <summary>
/// Reads typed values out of YAML nodes while collecting every problem instead of stopping at the
/// first, so one run of the parser tells the author everything that is wrong.
/// </summary>
internal sealed class YamlReader
{
    private readonly List<WorkflowError> _errors = [];

    public IReadOnlyList<WorkflowError> Errors => _errors;

    public void Error(YamlNode node, string message) => Error(node.Start, message);

    /// <summary>
    /// The root mapping of a text that must hold one YAML document, or null when there is none to read;
    /// <paramref name="what"/> names the document in messages ("the workflow", "the action"). Workflows
    /// and action manifests are both one mapping, so both report a broken file in the same words.
    /// </summary>
    public YamlMappingNode? LoadRoot(string yaml, string what)
    {
        var stream = new YamlStream();
        try
        {
            stream.Load(new StringReader(yaml));
        }
        catch (YamlException e)
        {
            Error(e.Start, $"{what} is not valid YAML: {e.Message}");
            return null;
        }

        if (stream.Documents.Count == 0)
        {
            Error(Mark.Empty, $"{what} is empty");
            return null;
        }

        if (stream.Documents.Count > 1)
        {
            Error(stream.Documents[1].RootNode, $"{what} holds {stream.Documents.Count} YAML documents, it must hold one");
        }

        var root = stream.Documents[0].RootNode;
        if (root is not YamlMappingNode map)
        {
            Error(root, $"{what} must be a mapping, got {Describe(root)}");
            return null;
        }

        return map;
    }

    public void Error(Mark at, string message) => _errors.Add(new WorkflowError((int)at.Line, (int)at.Column, message));

    /// <summary>
    /// The entries of a mapping keyed by text, reporting keys outside <paramref name="allowed"/> and
    /// keys that are not scalars.
    /// </summary>
    public List<(YamlScalarNode Key, YamlNode Value)> Entries(YamlMappingNode map, IReadOnlySet<string>? allowed, string where)
    {
        var entries = new List<(YamlScalarNode, YamlNode)>(map.Children.Count);
        foreach (var (keyNode, value) in map.Children)
        {
            if (keyNode is not YamlScalarNode key || key.Value is null)
            {
                Error(keyNode, $"a key in {where} must be a string, got {Describe(keyNode)}");
                continue;
            }

            if (allowed is not null && !allowed.Contains(key.Value))
            {
                Error(key, $"unknown key '{key.Value}' in {where}");
                continue;
            }

            entries.Add((key, value));
        }

        return entries;
    }

    /// <summary>The mapping of a node, or null (with an error unless the node is an empty value).</summary>
    public YamlMappingNode? Mapping(YamlNode node, string what)
    {
        if (node is YamlMappingNode map)
        {
            return map;
        }

        if (!IsNull(node))
        {
            Error(node, $"{what} must be a mapping, got {Describe(node)}");
        }

        return null;
    }

    /// <summary>A scalar's text as written (numbers and booleans stay text), null for an empty value.</summary>
    public string? Scalar(YamlNode node, string what)
    {
        if (node is YamlScalarNode scalar)
        {
            return IsNull(scalar) ? null : scalar.Value;
        }

        Error(node, $"{what} must be a string, got {Describe(node)}");
        return null;
    }

    /// <summary>A mapping of strings in document order; an empty value gives an empty list.</summary>
    public List<KeyValuePair<string, string>> StringMap(YamlNode node, string what)
    {
        var result = new List<KeyValuePair<string, string>>();
        if (Mapping(node, what) is not { } map)
        {
            return result;
        }

        foreach (var (key, value) in Entries(map, allowed: null, what))
        {
            // An empty value means the empty string here, as it does for env in forgejo-runner.
            var text = value is YamlScalarNode ? Scalar(value, $"'{key.Value}' in {what}") ?? string.Empty : Scalar(value, $"'{key.Value}' in {what}");
            if (text is not null)
            {
                result.Add(new(key.Value!, text));
            }
        }

        return result;
    }

    /// <summary>A string or a sequence of strings.</summary>
    public List<string> StringList(YamlNode node, string what)
    {
        switch (node)
        {
            case YamlScalarNode scalar:
                return IsNull(scalar) ? [] : [scalar.Value!];
            case YamlSequenceNode sequence:
                var items = new List<string>(sequence.Children.Count);
                foreach (var item in sequence.Children)
                {
                    if (Scalar(item, $"an item of {what}") is { } text)
                    {
                        items.Add(text);
                    }
                }

                return items;
            default:
                Error(node, $"{what} must be a string or a list of strings, got {Describe(node)}");
                return [];
        }
    }

    /// <summary>
    /// A plain scalar YAML reads as null (<c>key:</c>, <c>~</c>, <c>null</c>); quoted text is never null.
    /// </summary>
    public static bool IsNull(YamlNode node) =>
        node is YamlScalarNode { Style: ScalarStyle.Plain or ScalarStyle.Any } scalar
        && (string.IsNullOrEmpty(scalar.Value) || scalar.Value is "~" or "null" or "Null" or "NULL");

    public static string Describe(YamlNode node) => node switch
    {
        YamlMappingNode => "a mapping",
        YamlSequenceNode => "a list",
        YamlScalarNode scalar when IsNull(scalar) => "an empty value",
        YamlScalarNode scalar => Quote(scalar.Value ?? string.Empty),
        _ => "an alias",
    };

    /// <summary>A value quoted for a message, kept on one line and short enough to read.</summary>
    public static string Quote(string text)
    {
        const int Longest = 60;
        var oneLine = text.Replace("\r", string.Empty, StringComparison.Ordinal).Replace("\n", "\\n", StringComparison.Ordinal);
        return oneLine.Length <= Longest ? $"'{oneLine}'" : $"'{oneLine[..Longest]}…'";
    }
}
