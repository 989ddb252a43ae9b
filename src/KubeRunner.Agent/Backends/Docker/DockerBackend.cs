using System.Globalization;
using System.Net.Sockets;
using Docker.DotNet;
using KubeRunner.Agent.Configuration;
using KubeRunner.Agent.Executors;
using KubeRunner.Agent.Labels;
using KubeRunner.Protocol.Executor.V1;
using KubeRunner.Protocol.Runner.V1;
using Microsoft.Extensions.Logging;

namespace KubeRunner.Agent.Backends.Docker;

/// <summary>
/// Runs jobs of <c>name:docker://image</c> labels in Docker, as forgejo-runner's docker mode does, but
/// with the executor inside the job container as its main process: per task a network of its own and
/// a job container of the label's image (or the job's <c>container.image</c>), into which the executor
/// bundle is copied before it starts. Everything the task created is removed after it.
/// </summary>
internal sealed class DockerBackend(
    RunnerConfig config, Uri instance, string runnerUuid, ExecutorRegistry registry, ILogger<DockerBackend> logger) : IJobBackend, IDisposable
{
    private const string WorkspaceParent = SharedVolumes.Workspace;
    private const string ActDir = SharedVolumes.Act;
    private const string TempDir = "/var/run/act/tmp";
    private const string ToolCache = "/opt/hostedtoolcache";

    // Created on first use, so that an agent without Docker labels never needs a daemon.
    private readonly Lazy<IDockerClient> _client = new(() => new DockerClientBuilder().WithEndpoint(new Uri(config.Docker.Host)).Build());

    public string Name => "docker";

    public bool CanRun(Label label) => label.Scheme == Label.Docker;

    public async Task<JobOutcome> RunAsync(TaskRun run, CancellationToken cancellationToken)
    {
        var image = JobContainerImage.Read(System.Text.Encoding.UTF8.GetString(run.Task.WorkflowPayload.Span), run.Job.JobId) ?? ImageReference.FromLabel(run.Label);
        if (image.Contains("${{", StringComparison.Ordinal))
        {
            return new JobOutcome(Result.Failure, $"The job's container image '{image}' is an expression; this runner does not evaluate those yet.");
        }

        string? pullProblem;
        try
        {
            pullProblem = await DockerImages.EnsureAsync(_client.Value, image, config.Docker.Pull, cancellationToken);
        }
        catch (Exception e) when (IsDockerFailure(e))
        {
            return new JobOutcome(Result.Failure, $"The runner could not use Docker at {config.Docker.Host} for the image {image}: {Describe(e)}");
        }

        if (pullProblem is not null)
        {
            return new JobOutcome(Result.Failure, pullProblem);
        }

        var launch = new ExecutorLaunch(run, Settings(run), registry, logger);
        var objects = new DockerTaskObjects(_client.Value, runnerUuid, run.Task.Id, logger);
        if (await SetUpAsync(run, image, launch, objects, cancellationToken) is { } problem)
        {
            return new JobOutcome(Result.Failure, problem);
        }

        run.Reporter.Log($"Running the job in a Docker container of {image} ({objects.Name})");
        DockerLog.ContainerStarted(logger, run.Task.Id, objects.ContainerId!, image);
        var exited = ExitCodeAsync(objects, run.Task.Id);
        var finished = await launch.WaitAsync(exited, config.Executor.CancelTimeout, cancellationToken);
        if (finished is null)
        {
            // The executor overran the cancel's grace, or ended without a result: removing the container stops it.
            var ended = exited.IsCompleted;
            var code = ended ? await exited : 0;
            if (ended && await objects.LogTailAsync() is { Length: > 0 } tail)
            {
                DockerLog.ExecutorOutput(logger, run.Task.Id, tail);
            }

            await EndAsync(TimeSpan.Zero);
            var result = cancellationToken.IsCancellationRequested ? Result.Cancelled : Result.Failure;
            return new JobOutcome(result, ended
                ? $"The executor ended (exit code {code}) without reporting the job's result."
                : $"The executor did not report the job's result within {GoDuration.Format(config.Executor.CancelTimeout)} of the cancel; its container was removed.");
        }

        // The executor exits once the agent confirms that the forge has everything.
        return new JobOutcome(finished.Result, finished.Message.Length > 0 ? finished.Message : null,
            () => EndAsync(TimeSpan.FromSeconds(30)));

        async Task EndAsync(TimeSpan wait)
        {
            await Task.WhenAny(exited, Task.Delay(wait, CancellationToken.None));
            launch.Dispose();
            await objects.RemoveAsync();
        }
    }

    /// <summary>Network, container, bundle, start; on any failure removes what was created.</summary>
    /// <returns>Null when the executor runs, else the task's closing message.</returns>
    private async Task<string?> SetUpAsync(TaskRun run, string image, ExecutorLaunch launch, DockerTaskObjects objects, CancellationToken cancellationToken)
    {
        try
        {
            await objects.CreateNetworkAsync(cancellationToken);
            await objects.CreateContainerAsync(image, config.Executor.Socket, Environment(run.Task.Id), WorkspaceParent, cancellationToken);
            launch.Session.JobContainer = new JobContainerHandle(_client.Value, objects.ContainerId!, runnerUuid, run.Task.Id, BundleDirectory());
            await using (var archive = await BundleArchive.CreateAsync(BundleDirectory(), launch.Token, [WorkspaceParent, ActDir, TempDir, ToolCache], cancellationToken))
            {
                await objects.UploadAsync(archive, cancellationToken);
            }

            await objects.StartAsync(cancellationToken);
            return null;
        }
        catch (Exception e) when (IsDockerFailure(e) || e is OperationCanceledException)
        {
            launch.Dispose();
            await objects.RemoveAsync();
            if (e is OperationCanceledException)
            {
                throw;
            }

            DockerLog.SetupFailed(logger, run.Task.Id, e);
            return $"The runner could not start the job container of {image}: {Describe(e)}";
        }
    }

    private JobSettings Settings(TaskRun run)
    {
        var settings = ExecutorLaunch.Settings(config, instance, run.Label.Name);
        settings.WorkspaceParent = WorkspaceParent;
        settings.ActDir = ActDir;
        settings.TempDir = TempDir;
        settings.ToolCache = ToolCache;
        settings.Host = false;
        settings.Backend = Name;
        return settings;
    }

    /// <summary>The executor's settings; the token goes in a file of the uploaded archive, not in the container's configuration.</summary>
    private List<string> Environment(long taskId) =>
    [
        $"KUBE_RUNNER_AGENT=unix://{DockerTaskObjects.AgentMount}/{Path.GetFileName(config.Executor.Socket)}",
        $"KUBE_RUNNER_TASK_ID={taskId.ToString(CultureInfo.InvariantCulture)}",
        $"KUBE_RUNNER_TOKEN_FILE={BundleArchive.TokenFile}",
        $"KUBE_RUNNER_RECONNECT_WINDOW={config.Executor.ReconnectWindow.TotalSeconds.ToString(CultureInfo.InvariantCulture)}",
    ];

    private string BundleDirectory() => config.Docker.ExecutorBundle.Length > 0 ? config.Docker.ExecutorBundle : DefaultBundleDirectory();

    /// <summary>Next to kube-runner, as a release installs it.</summary>
    public static string DefaultBundleDirectory() => Path.Combine(AppContext.BaseDirectory, "executor-bundle");

    private async Task<int> ExitCodeAsync(DockerTaskObjects objects, long taskId)
    {
        var code = await objects.WaitAsync();
        DockerLog.ContainerExited(logger, taskId, code);
        return code;
    }

    /// <summary>What talking to Docker (or preparing what goes to it) may throw besides a cancel.</summary>
    public static bool IsDockerFailure(Exception e) =>
        e is DockerApiException or HttpRequestException or IOException or SocketException or TimeoutException
            or UnauthorizedAccessException or DockerConfigurationException;

    private static string Describe(Exception e) => e is DockerApiException api ? DockerImages.Reason(api) : e.Message;

    public void Dispose()
    {
        if (_client.IsValueCreated)
        {
            _client.Value.Dispose();
        }
    }
}
