namespace KubeRunner.Agent.Configuration;

/// <summary>
/// A configuration problem that does not stop the runner, such as an unknown key or a deprecated
/// setting. <see cref="ToString"/> gives the one-line form <c>config.yaml:7: runner.capacty: ...</c>.
/// </summary>
/// <param name="File">The config file as given, or null when the warning is not about a file (environment variables).</param>
/// <param name="Line">1-based line in <paramref name="File"/>, when known.</param>
/// <param name="Key">The full key path (<c>runner.capacity</c>) or environment variable name.</param>
/// <param name="Message">What is wrong and what to do.</param>
internal sealed record ConfigWarning(string? File, int? Line, string? Key, string Message)
{
    public override string ToString() => ConfigMessage.Format(File, Line, Key, Message);
}
