namespace KubeRunner.Agent.Configuration;

/// <summary>The <c>host</c> section of config.yaml (jobs run directly on the machine).</summary>
internal sealed class HostWorkOptions
{
    /// <summary>Absolute root of host-mode job directories; the loader fills in <c>$HOME/.cache/act</c>.</summary>
    public string WorkdirParent { get; init; } = "";
}
