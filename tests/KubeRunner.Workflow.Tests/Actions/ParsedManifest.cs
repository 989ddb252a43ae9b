using KubeRunner.Workflow.Actions;

namespace KubeRunner.Workflow.Tests.Actions;

/// <summary>Parses an action that must be valid, showing the parser's errors when it is not.</summary>
internal static class ParsedManifest
{
    public static ActionManifest Of(string yaml)
    {
        var result = ActionManifestParser.Parse(yaml);
        Assert.True(result.Ok, string.Join("\n", result.Errors));
        return result.Manifest!;
    }
}
