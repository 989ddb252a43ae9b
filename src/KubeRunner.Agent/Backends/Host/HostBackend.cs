using System.Diagnostics;
using KubeRunner.Agent.Configuration;
using KubeRunner.Agent.Diagnostics;
using KubeRunner.Agent.Executors;
using KubeRunner.Agent.Labels;
using KubeRunner.Agent.Tasks.Adoption;
using KubeRunner.Protocol.Runner.V1;
using Microsoft.Extensions.Logging;

namespace KubeRunner.Agent.Backends.Host;

/// <summary>
/// Runs jobs of <c>name:host</c> labels on this machine, as forgejo-runner's host mode does: the
/// executor is a child process working in a fresh directory under <c>host.workdir_parent</c>, which
/// is removed after the task. No isolation: steps run as the runner's user with its environment.
/// </summary>
internal sealed partial class HostBackend(
    RunnerConfig config, Uri instance, ExecutorRegistry registry, TaskRecordStore records, ILogger<HostBackend> logger, WorkspaceSeed? seed = null,
    AgentMetrics? metrics = null) : IJobBackend
{
    private readonly AgentMetrics _metrics = metrics ?? AgentMetrics.Unobserved;

    public string Name => "host";

    public bool CanRun(Label label) => label.Scheme == Label.Host;

    public async Task<JobOutcome> RunAsync(TaskRun run, CancellationToken cancellationToken)
    {
        var directory = HostTaskDirectory.Create(config.Host.WorkdirParent, run.Task.Id);
        var settings = ExecutorLaunch.Settings(config, instance, run.Label.Name);
        settings.WorkspaceParent = directory.Workspace;
        settings.ActDir = directory.Act;
        settings.TempDir = directory.Temp;
        settings.ToolCache = directory.ToolCache;
        settings.Host = true;
        settings.Backend = Name;
        settings.NodePath = config.Actions.Node;
        if (seed is not null && Seed(seed, run, directory, config.Host.WorkdirParent) is { } problem)
        {
            directory.Delete(logger);
            return new JobOutcome(Result.Failure, problem);
        }

        var launch = new ExecutorLaunch(run, settings, registry, logger);
        Process process;
        try
        {
            process = HostExecutorProcess.Start(ExecutorPath(), config.Executor, launch.Token, run.Task.Id, logger);
        }
        catch (Exception e) when (e is IOException or System.ComponentModel.Win32Exception or InvalidOperationException)
        {
            launch.Dispose();
            directory.Delete(logger);
            _metrics.BackendFailure(Name, BackendFailureReasons.ExecutorStart);
            return new JobOutcome(Result.Failure, $"The runner could not start {ExecutorPath()}: {e.Message}");
        }

        run.Reporter.Log($"Running the job on this machine (host) in {directory.Root}");
        // Once the executor's rows have a place in the log, a later agent process can take the task over.
        launch.Session.Relay.BaseRowFixed = baseRow => records.Save(new TaskRecord(run.Task.Id,
            Convert.ToBase64String(launch.Session.TokenHash), baseRow, run.Reporter.StepCount, process.Id, directory.Root, run.Label.Name));
        Log.ExecutorStarted(logger, run.Task.Id, process.Id);
        _metrics.BackendOperation(Name, "create");
        var exited = ExitCodeAsync(process);
        var finished = await launch.WaitAsync(exited, config.Executor.CancelTimeout, cancellationToken);
        if (finished is null)
        {
            var code = await EndAsync(TimeSpan.Zero);
            if (!cancellationToken.IsCancellationRequested)
            {
                _metrics.BackendFailure(Name, BackendFailureReasons.ExecutorLost);
            }

            var result = cancellationToken.IsCancellationRequested ? Result.Cancelled : Result.Failure;
            return new JobOutcome(result, $"The executor ended (exit code {code}) without reporting the job's result.");
        }

        // The executor exits once the agent confirms that the forge has everything.
        return new JobOutcome(finished.Result, finished.Message.Length > 0 ? finished.Message : null,
            () => EndAsync(TimeSpan.FromSeconds(30)));

        async Task<int> EndAsync(TimeSpan wait)
        {
            var code = await StopAsync(process, exited, wait);
            records.Delete(run.Task.Id);
            launch.Dispose();
            directory.Delete(logger);
            _metrics.BackendOperation(Name, "delete");
            return code;
        }
    }

    /// <summary>Copies the local checkout where the executor puts the repository: workspace/&lt;owner&gt;/&lt;repo&gt;.</summary>
    private static string? Seed(WorkspaceSeed seed, TaskRun run, HostTaskDirectory directory, string workdirParent)
    {
        var repository = run.Task.Context?.Fields.TryGetValue("repository", out var value) == true ? value.StringValue : "";
        try
        {
            seed.CopyTo(Path.Combine(directory.Workspace, repository.Length > 0 ? repository : "workspace"), workdirParent);
            return null;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return $"The runner could not copy {seed.Directory} into the job's workspace: {e.Message}";
        }
    }

    private string ExecutorPath() => config.Executor.Path.Length > 0 ? config.Executor.Path : DefaultExecutorPath();

    /// <summary>Next to kube-runner (a release), else in its executor/ folder (a development build).</summary>
    public static string DefaultExecutorPath()
    {
        var beside = Path.Combine(AppContext.BaseDirectory, "kube-runner-executor");
        var build = Path.Combine(AppContext.BaseDirectory, "executor", "kube-runner-executor");
        // The SDK copies a referenced program's launcher (with its runtimeconfig, without its dll)
        // next to kube-runner in a development build; that launcher cannot start, the one in executor/ can.
        var usable = File.Exists(beside) && (File.Exists(beside + ".dll") || !File.Exists(beside + ".runtimeconfig.json"));
        return usable || !File.Exists(build) ? beside : build;
    }

    private static async Task<int> ExitCodeAsync(Process process)
    {
        await process.WaitForExitAsync(CancellationToken.None);
        return process.ExitCode;
    }

    /// <summary>Waits for the executor to end by itself, then kills its whole process tree.</summary>
    private static async Task<int> StopAsync(Process process, Task<int> exited, TimeSpan wait)
    {
        using (process)
        {
            if (await Task.WhenAny(exited, Task.Delay(wait)) != exited)
            {
                process.Kill(entireProcessTree: true);
            }

            return await exited;
        }
    }

    private static partial class Log
    {
        [LoggerMessage(Diagnostics.EventIds.ExecutorStarted, LogLevel.Information, "Task {TaskId}: executor started as process {Pid}")]
        public static partial void ExecutorStarted(ILogger logger, long taskId, int pid);
    }
}
