using System.CommandLine;
using KubeRunner.Agent.Configuration;
using KubeRunner.Agent.Labels;

namespace KubeRunner.Agent.Cli;

/// <summary>The global <c>--config</c> option and the loading every command does with it.</summary>
internal static class ConfigOption
{
    public static Option<string?> Create() => new("--config", "-c")
    {
        Description = "The config file (config.yaml, forgejo-runner's format); without it, defaults and the GITEA_RUNNER_* variables apply",
        HelpName = "file",
        Recursive = true,
    };

    /// <summary>Loads the configuration and prints its warnings; errors surface as <see cref="ConfigException"/>.</summary>
    public static RunnerConfig Load(CliContext context, string? path)
    {
        var config = ConfigLoader.Load(path is null ? null : context.ResolvePath(path), context.Environment, context.HomeDirectory, context.CurrentDirectory);
        foreach (var warning in config.Warnings)
        {
            context.Warn(warning.ToString());
        }

        return config;
    }

    /// <summary>The absolute path of the registration file (<c>runner.file</c>).</summary>
    public static string RegistrationPath(CliContext context, RunnerConfig config) => context.ResolvePath(config.Runner.File);

    /// <summary>Parses labels; an invalid one becomes a one-line error naming where it came from.</summary>
    public static LabelSet ParseLabels(IEnumerable<string> labels, int exitCode, string source)
    {
        try
        {
            return new LabelSet(labels);
        }
        catch (LabelException e)
        {
            throw new CliException(exitCode, $"{source}: {e.Message}", e);
        }
    }
}
