using System.Globalization;
using System.Text.RegularExpressions;
using KubeRunner.Workflow.Expressions;
using YamlDotNet.Core;
using YamlDotNet.RepresentationModel;

namespace KubeRunner.Workflow.Model;

/// <summary>
/// Converts YAML nodes into expression values, typing plain scalars the way YAML's core schema does,
/// so <c>node: [18, 20]</c> gives numbers and <c>matrix.node == 18</c> holds as on GitHub.
/// </summary>
internal static partial class YamlValues
{
    public static ExpressionValue ToValue(YamlNode node)
    {
        switch (node)
        {
            case YamlMappingNode map:
                var members = new ExpressionObject();
                foreach (var (key, value) in map.Children)
                {
                    members[key is YamlScalarNode { Value: { } text } ? text : key.ToString()] = ToValue(value);
                }

                return ExpressionValue.From(members);
            case YamlSequenceNode sequence:
                return ExpressionValue.From(sequence.Children.Select(ToValue));
            case YamlScalarNode scalar:
                return Scalar(scalar);
            default:
                return ExpressionValue.Null;
        }
    }

    private static ExpressionValue Scalar(YamlScalarNode scalar)
    {
        var text = scalar.Value ?? string.Empty;
        if (scalar.Style is not (ScalarStyle.Plain or ScalarStyle.Any))
        {
            return ExpressionValue.From(text);
        }

        if (YamlReader.IsNull(scalar))
        {
            return ExpressionValue.Null;
        }

        if (text is "true" or "True" or "TRUE")
        {
            return ExpressionValue.True;
        }

        if (text is "false" or "False" or "FALSE")
        {
            return ExpressionValue.False;
        }

        if (Float().IsMatch(text) && double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var number))
        {
            return ExpressionValue.From(number);
        }

        return ExpressionValue.From(text);
    }

    // YAML 1.2 core schema's decimal integers and floats; hex, octal and .inf are rare in workflows and stay text.
    [GeneratedRegex(@"^[-+]?(?:\.[0-9]+|[0-9]+(?:\.[0-9]*)?)(?:[eE][-+]?[0-9]+)?$")]
    private static partial Regex Float();
}
