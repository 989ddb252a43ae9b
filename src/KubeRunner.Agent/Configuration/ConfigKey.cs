namespace KubeRunner.Agent.Configuration;

/// <summary>One known config.yaml key.</summary>
/// <param name="Path">Full dotted path, e.g. <c>runner.report_retry.max_retries</c>.</param>
/// <param name="Kind">How the value is parsed and printed.</param>
/// <param name="Read">Reads the effective value back from a loaded config, for <c>config show</c>.</param>
/// <param name="Deprecated">Still accepted, but neither printed nor part of the example file.</param>
internal sealed record ConfigKey(string Path, ConfigValueKind Kind, Func<RunnerConfig, object> Read, bool Deprecated = false)
{
    public string Name => Path[(Path.LastIndexOf('.') + 1)..];
}
