namespace KubeRunner.Agent.Configuration;

/// <summary>A mapping in config.yaml and the keys it may hold, in forgejo-runner's order.</summary>
/// <param name="Path">Dotted path of the mapping, e.g. <c>runner</c> or <c>runner.report_retry</c>.</param>
/// <param name="Keys">Its scalar, list and map keys (not its sub-sections).</param>
internal sealed record ConfigSection(string Path, IReadOnlyList<ConfigKey> Keys)
{
    public string Name => Path[(Path.LastIndexOf('.') + 1)..];

    public string? ParentPath => Path.Contains('.', StringComparison.Ordinal) ? Path[..Path.LastIndexOf('.')] : null;
}
