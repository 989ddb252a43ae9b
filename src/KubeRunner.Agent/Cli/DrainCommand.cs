using System.CommandLine;
using KubeRunner.Agent.Configuration;
using KubeRunner.Agent.Standby;

namespace KubeRunner.Agent.Cli;

/// <summary>
/// <c>kube-runner drain [--undo] [--wait] [--timeout]</c>: tells the running agent of the config to
/// take no new job (its running jobs go on; its standby sees <c>accepting: false</c> and takes the next
/// one at once), or to take jobs again. For maintenance: drain, wait, stop, update, start.
/// </summary>
internal static class DrainCommand
{
    private static readonly TimeSpan DefaultTimeout = TimeSpan.FromHours(1);
    private static readonly TimeSpan PollInterval = TimeSpan.FromSeconds(1);

    public static Command Create(CliContext context, Option<string?> configOption)
    {
        var undo = new Option<bool>("--undo") { Description = "Take jobs again after a drain" };
        var wait = new Option<bool>("--wait") { Description = "After draining, wait until no job runs any more" };
        var timeout = new DurationOption("--timeout", DefaultTimeout, "With --wait: how long to wait for the running jobs");
        var command = new Command("drain", "Make the running agent of this config take no new job (its running jobs go on); --undo resumes it")
        {
            undo, wait, timeout,
        };
        command.SetAction(async (parse, cancellationToken) =>
        {
            if (parse.GetValue(undo) && (parse.GetValue(wait) || parse.GetValue(timeout) is not null))
            {
                throw new CliException(ExitCodes.Usage, "drain: --wait and --timeout wait for a drain's jobs; they do not go with --undo");
            }

            var config = ConfigOption.Load(context, parse.GetValue(configOption));
            using var agent = LocalAgentClient.For(config, "drain");
            if (parse.GetValue(undo))
            {
                var (resumed, _) = await agent.SendForStatusAsync(HttpMethod.Delete, PeerStatusEndpoint.DrainPath, cancellationToken);
                context.Out.WriteLine($"resumed: runner {RunnerName(context, config, resumed)} takes jobs again; {Running(resumed.Busy)}");
                return ExitCodes.Success;
            }

            var (drained, _) = await agent.SendForStatusAsync(HttpMethod.Post, PeerStatusEndpoint.DrainPath, cancellationToken);
            var name = RunnerName(context, config, drained);
            var next = drained.Priority == 0 ? "its standby takes the next one" : "the other runners of its labels take the next one";
            var running = drained.Busy == 0 ? "no job is running" : $"{drained.Busy} running job(s) go on";
            context.Out.WriteLine($"drained: runner {name} takes no new job; {running}; {next}");
            return parse.GetValue(wait)
                ? await WaitUntilIdleAsync(context, agent, name, drained.Busy, timeout.ValueOrDefault(parse), cancellationToken)
                : ExitCodes.Success;
        });
        return command;
    }

    private static async Task<int> WaitUntilIdleAsync(CliContext context, LocalAgentClient agent, string name, int busy, TimeSpan timeout,
        CancellationToken cancellationToken)
    {
        var started = context.Time.GetTimestamp();
        while (busy > 0)
        {
            if (context.Time.GetElapsedTime(started) >= timeout)
            {
                context.Error.WriteLine(
                    $"kube-runner: drain --wait: {busy} job(s) still run on runner {name} after {GoDuration.Format(timeout)}; it stays drained (kube-runner drain --undo resumes it)");
                return ExitCodes.DrainTimedOut;
            }

            await Task.Delay(PollInterval, context.Time, cancellationToken);
            busy = (await agent.SendForStatusAsync(HttpMethod.Get, PeerStatusEndpoint.Path, cancellationToken)).Status.Busy;
        }

        context.Out.WriteLine($"idle: no job runs on runner {name}; it can be stopped");
        return ExitCodes.Success;
    }

    private static string Running(int busy) => busy == 0 ? "no running job" : $"{busy} running job(s)";

    // The runner's name is in .runner, not in the status; the uuid tells which registration answered.
    private static string RunnerName(CliContext context, RunnerConfig config, PeerStatus status)
    {
        try
        {
            var path = ConfigOption.RegistrationPath(context, config);
            if (File.Exists(path) && RegistrationFile.Load(path) is { } registration && registration.Uuid == status.RunnerUuid && registration.Name.Length > 0)
            {
                return $"'{registration.Name}'";
            }
        }
        catch (RegistrationFileException)
        {
            // The name is a courtesy; the uuid says the same.
        }

        return status.RunnerUuid;
    }
}
