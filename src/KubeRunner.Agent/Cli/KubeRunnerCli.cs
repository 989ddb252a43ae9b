using System.CommandLine;
using KubeRunner.Agent.Configuration;
using KubeRunner.Agent.Labels;

namespace KubeRunner.Agent.Cli;

/// <summary>The <c>kube-runner</c> command line.</summary>
internal static class KubeRunnerCli
{
    private const string Description = """
        KubeRunner: a Forgejo Actions runner. Forgejo sees an ordinary runner; each job runs as a
        Kubernetes Job, in Docker containers, or as local processes. config.yaml and .runner are
        those of forgejo-runner, so an existing runner can be switched without rewriting anything.

        Get started:
          kube-runner register --no-interactive --instance https://forge.example --token <token> --label heavy
          kube-runner daemon

        Try a workflow on this machine, no forge needed:
          kube-runner exec -W samples/workflows/hello.yml

        Exit codes: 0 success, 1 internal error (exec: a job failed), 2 wrong command line, 3 invalid
        configuration, .runner or workflow, 4 refused by the forge, 5 forge unreachable, 6 no agent
        answers (drain, status), 7 drain --wait timed out, 130 interrupted.
        """;

    public static RootCommand Build(CliContext context)
    {
        var config = ConfigOption.Create();
        var root = new RootCommand(Description) { config };
        root.Subcommands.Add(RegisterCommand.Create(context, config));
        root.Subcommands.Add(CreateRunnerFileCommand.Create(context, config));
        root.Subcommands.Add(DaemonCommand.Create(context, config));
        root.Subcommands.Add(ExecCommand.Create(context, config));
        root.Subcommands.Add(RenderCommand.Create(context, config));
        root.Subcommands.Add(DrainCommand.Create(context, config));
        root.Subcommands.Add(StatusCommand.Create(context, config));
        root.Subcommands.Add(SmallCommands.GenerateConfig(context));
        root.Subcommands.Add(SmallCommands.Config(context, config));
        root.Subcommands.Add(SmallCommands.Version(context));
        return root;
    }

    /// <summary>Runs one command line; operator mistakes become one line on stderr and an exit code.</summary>
    /// <param name="cancellationToken">Cancelled by SIGINT/SIGTERM: the daemon shuts down gracefully.</param>
    public static async Task<int> InvokeAsync(string[] args, CliContext context, CancellationToken cancellationToken)
    {
        var parse = Build(context).Parse(args);
        if (parse.Errors.Count > 0)
        {
            foreach (var error in parse.Errors)
            {
                context.Error.WriteLine($"kube-runner: {error.Message}");
            }

            context.Error.WriteLine("Run 'kube-runner --help' (or 'kube-runner <command> --help') for usage.");
            return ExitCodes.Usage;
        }

        try
        {
            var invocation = new InvocationConfiguration
            {
                Output = context.Out,
                Error = context.Error,
                EnableDefaultExceptionHandler = false,
                // Signals are the program's business: the daemon needs longer than any fixed grace.
                ProcessTerminationTimeout = null,
            };
            return await parse.InvokeAsync(invocation, cancellationToken);
        }
        catch (Exception e) when (OperatorMessage(e) is var (code, message))
        {
            context.Error.WriteLine($"kube-runner: {message}");
            return code;
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            context.Error.WriteLine("kube-runner: interrupted");
            return ExitCodes.Interrupted;
        }
#pragma warning disable CA1031 // The last resort: a bug is reported with its stack trace and exit code 1.
        catch (Exception e)
#pragma warning restore CA1031
        {
            context.Error.WriteLine($"kube-runner: internal error, please report it: {e}");
            return ExitCodes.InternalError;
        }
    }

    /// <summary>The exit code and one-line message of an operator's mistake; null for a bug.</summary>
    private static (int, string)? OperatorMessage(Exception e) => e switch
    {
        CliException cli => (cli.ExitCode, cli.Message),
        ConfigException config => (ExitCodes.Configuration, config.Message),
        RegistrationFileException registration => (ExitCodes.Configuration, registration.Message),
        LabelException label => (ExitCodes.Configuration, label.Message),
        _ => null,
    };
}
