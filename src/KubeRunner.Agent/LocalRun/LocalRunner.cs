using Google.Protobuf;
using KubeRunner.Agent.Backends;
using KubeRunner.Agent.Cli;
using KubeRunner.Agent.Configuration;
using KubeRunner.Agent.Hosting;
using KubeRunner.Agent.Labels;
using KubeRunner.Agent.Tasks;
using KubeRunner.Protocol.Runner.V1;
using KubeRunner.Workflow.Payload;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Console;

namespace KubeRunner.Agent.LocalRun;

/// <summary>What one <c>kube-runner exec</c> runs, and with what.</summary>
internal sealed record LocalRunRequest(
    IReadOnlyList<LocalJob> Jobs,
    LocalRunInfo Info,
    IReadOnlyDictionary<string, string> Secrets,
    IReadOnlyDictionary<string, string> Vars,
    IReadOnlyDictionary<string, string> Env,
    WorkspaceSeed Seed);

/// <summary>
/// Runs the tasks of a local run one after the other through the daemon's own machinery (TaskRunner,
/// reporter, backend, executor service), with <see cref="ConsoleRunnerService"/> as the forge.
/// </summary>
internal static class LocalRunner
{
    /// <summary>Never contacted: the context's empty <c>server_url</c> is what jobs see.</summary>
    private static readonly Uri _noForge = new("http://localhost/");

    /// <returns>The exit code: success when every job succeeded or was skipped.</returns>
    public static async Task<int> RunAsync(CliContext context, RunnerConfig config, Label label, LocalRunRequest request, CancellationToken cancellationToken)
    {
        var socketDirectory = Directory.CreateTempSubdirectory("kube-runner-exec-");
        try
        {
            var local = LocalConfig.For(config, Path.Combine(socketDirectory.FullName, "agent.sock"), request.Env);
            var console = new ConsoleRunnerService(context.Out);
            var registration = new RunnerRegistration(0, "", "exec", "", "", [label.ToString()]);
            var settings = new AgentHostSettings(local, registration, _noForge, new LabelSet([label.ToString()]), console, context.Time,
                Logging(context, config), PollForTasks: false, OnlyLabel: label, Seed: request.Seed);
            using var host = AgentHost.Build(settings);
            await host.StartAsync(CancellationToken.None);
            try
            {
                return await RunJobsAsync(host.Services.GetRequiredService<TaskRunner>(), console, request, cancellationToken);
            }
            finally
            {
                await host.StopAsync(CancellationToken.None);
            }
        }
        finally
        {
            socketDirectory.Delete(recursive: true);
        }
    }

    private static async Task<int> RunJobsAsync(TaskRunner runner, ConsoleRunnerService console, LocalRunRequest request, CancellationToken cancellationToken)
    {
        var needs = new Dictionary<string, TaskNeed>(StringComparer.Ordinal);
        var failed = false;
        long id = 0;
        foreach (var job in request.Jobs)
        {
            if (cancellationToken.IsCancellationRequested)
            {
                break;
            }

            var task = new ForgeTask { Id = ++id, WorkflowPayload = ByteString.CopyFromUtf8(job.Payload), Context = request.Info.Context(job.JobId) };
            task.Secrets.Add(request.Secrets.ToDictionary());
            task.Vars.Add(request.Vars.ToDictionary());
            foreach (var need in job.Needs)
            {
                task.Needs[need] = needs[need];
            }

            var view = console.Add(id, job.DisplayName, JobOutline.Parse(job.Payload).StepNames);
            // The executor evaluates the job's if (default success()) against these needs, so a job
            // whose needs failed ends as skipped, as on the forge.
            await runner.RunAsync(task, cancellationToken);
            failed |= view.Result is not (Result.Success or Result.Skipped);
            Merge(needs, job.JobId, view);
        }

        return cancellationToken.IsCancellationRequested ? ExitCodes.Interrupted
            : failed ? ExitCodes.JobFailed
            : ExitCodes.Success;
    }

    /// <summary>
    /// What the jobs that need <paramref name="jobId"/> see: one entry for all its matrix runs, failed
    /// if one failed, skipped only if all were; outputs of later runs replace those of earlier ones.
    /// </summary>
    private static void Merge(Dictionary<string, TaskNeed> needs, string jobId, LocalTaskView view)
    {
        var result = view.Result == Result.Unspecified ? Result.Failure : view.Result;
        if (!needs.TryGetValue(jobId, out var need))
        {
            needs[jobId] = need = new TaskNeed { Result = result };
        }
        else
        {
            need.Result = Worse(need.Result, result);
        }

        foreach (var (key, value) in view.Outputs)
        {
            need.Outputs[key] = value;
        }
    }

    private static Result Worse(Result a, Result b) =>
        a == Result.Failure || b == Result.Failure ? Result.Failure
        : a == Result.Cancelled || b == Result.Cancelled ? Result.Cancelled
        : a == Result.Skipped && b == Result.Skipped ? Result.Skipped
        : Result.Success;

    private static Action<ILoggingBuilder> Logging(CliContext context, RunnerConfig config) => logging =>
    {
        context.ConfigureLogging(logging);
        // The jobs' log is exec's output; the agent's own log only says what went wrong, on stderr,
        // unless the operator asked for more with log.level.
        logging.Services.Configure<ConsoleLoggerOptions>(console => console.LogToStandardErrorThreshold = LogLevel.Trace);
        if (config.Log.Level is not ("debug" or "trace"))
        {
            logging.AddFilter(level => level >= LogLevel.Warning);
        }
    };
}
