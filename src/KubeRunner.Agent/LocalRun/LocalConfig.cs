using KubeRunner.Agent.Configuration;

namespace KubeRunner.Agent.LocalRun;

/// <summary>The configuration of a local run: the operator's, with what exec must decide itself.</summary>
internal static class LocalConfig
{
    /// <summary>Often enough that the log reads as live on a terminal.</summary>
    public static readonly TimeSpan ReportInterval = TimeSpan.FromMilliseconds(100);

    /// <param name="socket">
    /// The agent's socket for this run only: a daemon on the same machine keeps its own, and two
    /// exec runs do not take each other's.
    /// </param>
    /// <param name="env"><c>--env</c>, over <c>runner.envs</c>: the environment every step starts with.</param>
    public static RunnerConfig For(RunnerConfig config, string socket, IReadOnlyDictionary<string, string> env)
    {
        var runner = config.Runner;
        var envs = new Dictionary<string, string>(runner.Envs, StringComparer.Ordinal);
        foreach (var (key, value) in env)
        {
            envs[key] = value;
        }

        // Everything else (log, host, actions cache…) is the operator's, whatever sections exist.
        return config with
        {
            Runner = config.Runner with { Capacity = 1, Envs = envs, ReportInterval = ReportInterval },
            Executor = config.Executor with { Listen = "", Socket = socket },
        };
    }
}
