namespace KubeRunner.Workflow.Files;

/// <summary>Reads <c>GITHUB_PATH</c>: one directory per line, to be prepended to <c>PATH</c>.</summary>
public static class PathFile
{
    /// <summary>The non-blank lines in file order, without line terminators.</summary>
    public static IReadOnlyList<string> Parse(string content)
    {
        ArgumentNullException.ThrowIfNull(content);
        return [.. EnvFile.SplitLines(content).Where(l => !string.IsNullOrWhiteSpace(l))];
    }
}
