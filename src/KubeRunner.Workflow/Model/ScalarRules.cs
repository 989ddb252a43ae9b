using System.Text.RegularExpressions;
using YamlDotNet.RepresentationModel;

namespace KubeRunner.Workflow.Model;

/// <summary>Checks for scalars that must be a number or a boolean unless they are an expression.</summary>
internal static partial class ScalarRules
{
    /// <summary>Whether the text holds an expression, which is only evaluated when the job runs.</summary>
    public static bool IsExpression(string text) => text.Contains("${{", StringComparison.Ordinal);

    public static string? TimeoutMinutes(YamlReader reader, YamlNode node, string where, string key = "timeout-minutes")
    {
        var text = reader.Scalar(node, $"{key} of {where}");
        if (text is not null && !IsExpression(text) && !Number().IsMatch(text.Trim()))
        {
            reader.Error(node, $"{key} must be a number of minutes or an expression, got {YamlReader.Quote(text)}, in {where}");
        }

        return text;
    }

    public static string? Boolean(YamlReader reader, YamlNode node, string key, string where)
    {
        var text = reader.Scalar(node, $"{key} of {where}");
        if (text is not null && !IsExpression(text) && text is not ("true" or "false" or "True" or "False" or "TRUE" or "FALSE"))
        {
            reader.Error(node, $"{key} must be true, false or an expression, got {YamlReader.Quote(text)}, in {where}");
        }

        return text;
    }

    public static string? Number(YamlReader reader, YamlNode node, string key, string where)
    {
        var text = reader.Scalar(node, $"{key} of {where}");
        if (text is not null && !IsExpression(text) && !Number().IsMatch(text.Trim()))
        {
            reader.Error(node, $"{key} must be a number or an expression, got {YamlReader.Quote(text)}, in {where}");
        }

        return text;
    }

    [GeneratedRegex(@"^[+-]?(?:[0-9]+(?:\.[0-9]*)?|\.[0-9]+)(?:[eE][+-]?[0-9]+)?$")]
    private static partial Regex Number();
}
