using System.Reflection;
using System.Runtime.InteropServices;
using Grpc.Core;
using KubeRunner.Executor.Actions;
using KubeRunner.Executor.Engine;
using KubeRunner.Executor.Transport;
using KubeRunner.Protocol.Executor.V1;

namespace KubeRunner.Executor;

/// <summary>
/// Entry point of <c>kube-runner-executor</c>: fetch the job from the agent, run it while a link
/// streams every event to the agent, and exit once the agent has everything (or gave up on us).
/// </summary>
internal static class ExecutorProgram
{
    public static string Version { get; } =
        typeof(ExecutorProgram).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion.Split('+')[0] ?? "0.0.0";

    public static async Task<int> RunAsync(string[] args)
    {
        if (args is ["--version"])
        {
            await Console.Out.WriteLineAsync($"kube-runner-executor {Version}");
            return ExecutorExitCodes.Success;
        }

        if (args is ["exec", var commandFile])
        {
            // Inside a Docker action's container (see ContainerExec); returns only when the action cannot start.
            return Processes.ContainerExec.Run(commandFile, Console.Error);
        }

        if (args.Length > 0)
        {
            await Console.Error.WriteLineAsync($"kube-runner-executor: unknown argument '{args[0]}'; it takes its settings from KUBE_RUNNER_* variables (see the README)");
            return ExecutorExitCodes.Usage;
        }

        var (env, forSteps) = ExecutorArguments.ProcessEnvironment();
        var (arguments, problem) = ExecutorArguments.Read(env);
        if (arguments is null)
        {
            await Console.Error.WriteLineAsync($"kube-runner-executor: {problem}");
            return ExecutorExitCodes.Usage;
        }

        return await RunJobAsync(arguments, forSteps, TimeProvider.System);
    }

    public static async Task<int> RunJobAsync(ExecutorArguments arguments, IReadOnlyDictionary<string, string> env, TimeProvider time)
    {
        using var channel = AgentChannel.Create(arguments.Agent);
        var client = AgentChannel.Client(channel);
        var headers = AgentChannel.Headers(arguments.TaskId, arguments.Token);
        GetJobResponse job;
        try
        {
            job = await GetJobAsync(client, headers, arguments.ReconnectWindow, time);
        }
        catch (RpcException e) when (e.StatusCode == StatusCode.PermissionDenied)
        {
            Diagnostics($"the agent refused this executor for task {arguments.TaskId}: {e.Status.Detail}");
            return ExecutorExitCodes.Refused;
        }
        catch (RpcException e)
        {
            Diagnostics($"the agent at {arguments.Agent} could not be reached: {e.Status.Detail}");
            return ExecutorExitCodes.AgentLost;
        }

        var tempDir = job.Settings.TempDir.Length > 0 ? job.Settings.TempDir : Path.GetTempPath();
        Directory.CreateDirectory(tempDir);
        using var journal = new EventJournal(tempDir, time);
        var log = new JobLog(journal, time);
        using var cancel = new CancellationTokenSource();
        using var sigterm = PosixSignalRegistration.Create(PosixSignal.SIGTERM, context =>
        {
            // A stopped container or pod: cancel the job, so that post-cancel steps and the report happen.
            context.Cancel = true;
            cancel.Cancel();
        });
        var actions = new AgentActionFetcher(client, headers, Path.Combine(job.Settings.ActDir.Length > 0 ? job.Settings.ActDir : tempDir, "actions"));
        var engine = new JobEngine(log, job.Settings.KillGrace?.ToTimeSpan() ?? TimeSpan.FromSeconds(10), time, actions, new AgentContainerRunner(client, headers));
        var jobDone = Task.Run(() => engine.RunAsync(job.Task, job.Settings, env, cancel.Token));
        var link = new AgentLink(client, headers, journal, attempt => log.Hello(attempt, Version),
            reason => cancel.Cancel(), Diagnostics, arguments.ReconnectWindow, time);
        var end = await link.RunAsync(jobDone);
        if (!jobDone.IsCompleted)
        {
            // The agent is gone for good or refused us: nobody would see the rest of the job.
            await cancel.CancelAsync();
        }

        await jobDone;
        return end switch
        {
            LinkEnd.Delivered => ExecutorExitCodes.Success,
            LinkEnd.Refused => ExecutorExitCodes.Refused,
            _ => ExecutorExitCodes.AgentLost,
        };
    }

    private static async Task<GetJobResponse> GetJobAsync(ExecutorService.ExecutorServiceClient client, Metadata headers, TimeSpan window, TimeProvider time)
    {
        var started = time.GetUtcNow();
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                return await client.GetJobAsync(new GetJobRequest { ExecutorVersion = Version }, headers);
            }
            catch (RpcException e) when (e.StatusCode is StatusCode.Unavailable or StatusCode.Internal or StatusCode.DeadlineExceeded
                && time.GetUtcNow() - started < window)
            {
                await Task.Delay(TimeSpan.FromMilliseconds(Math.Min(5000, 100 * attempt)), time);
            }
        }
    }

    private static void Diagnostics(string message)
    {
        try
        {
            Console.Error.WriteLine($"kube-runner-executor: {message}");
        }
        catch (IOException)
        {
            // stderr was a pipe to an agent process that is gone; the job goes on regardless.
        }
    }
}
