using System.Collections.Immutable;

namespace KubeRunner.Agent.Configuration;

/// <summary>The <c>log</c> section of config.yaml.</summary>
internal sealed class LogOptions
{
    public const string DefaultLevel = "info";

    /// <summary>The levels forgejo-runner accepts (logrus's), from most to least verbose.</summary>
    public static readonly ImmutableArray<string> Levels = ["trace", "debug", "info", "warn", "error", "fatal", "panic"];

    /// <summary>Level of the runner process's own log.</summary>
    public string Level { get; init; } = DefaultLevel;

    /// <summary>Level of engine messages sent to Forgejo with the job log (what users see in the web UI).</summary>
    public string JobLevel { get; init; } = DefaultLevel;
}
