namespace KubeRunner.Agent.Labels;

/// <summary>Label lists as operators type them on the command line.</summary>
internal static class LabelList
{
    /// <summary>
    /// Splits <c>--labels</c> input the way forgejo-runner's register does: on commas, trimming each
    /// entry and dropping empty ones, so <c>"a:host, b ,,"</c> gives <c>a:host</c> and <c>b</c>.
    /// </summary>
    public static IReadOnlyList<string> SplitCommaSeparated(string text) =>
        text.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries);
}
