using System.Globalization;
using System.Net.Sockets;
using Docker.DotNet;
using KubeRunner.Agent.Backends.Docker.Services;
using KubeRunner.Agent.Backends.Docker.Spec;
using KubeRunner.Agent.Configuration;
using KubeRunner.Agent.Diagnostics;
using KubeRunner.Agent.Executors;
using KubeRunner.Agent.Labels;
using KubeRunner.Agent.Tasks.Adoption;
using KubeRunner.Protocol.Executor.V1;
using KubeRunner.Protocol.Runner.V1;
using Microsoft.Extensions.Logging;

namespace KubeRunner.Agent.Backends.Docker;

/// <summary>
/// Runs jobs of <c>name:docker://image</c> labels in Docker, as forgejo-runner's docker mode does, but
/// with the executor inside the job container as its main process: per task a network of its own
/// (unless one is named), the job's service containers, and a job container of the job's
/// <c>container.image</c> (else the label's or its profile's image), into which the executor bundle is
/// copied before it starts once the services are ready. Everything the task created is removed after it.
/// </summary>
internal sealed class DockerBackend(
    RunnerConfig config, Uri instance, string runnerUuid, ExecutorRegistry registry, TaskRecordStore records, TimeProvider time,
    ILogger<DockerBackend> logger, AgentMetrics? metrics = null) : IJobBackend, IDisposable
{
    private const string WorkspaceParent = SharedVolumes.Workspace;
    private const string ActDir = SharedVolumes.Act;
    private const string TempDir = "/var/run/act/tmp";
    private const string ToolCache = "/opt/hostedtoolcache";

    // Created on first use, so that an agent without Docker labels never needs a daemon.
    private readonly Lazy<IDockerClient> _client = new(() => new DockerClientBuilder().WithEndpoint(new Uri(config.Docker.Host)).Build());

    private readonly AgentReach _agent = AgentReach.From(config.Docker, config.Executor);
    private readonly AgentMetrics _metrics = metrics ?? AgentMetrics.Unobserved;

    public string Name => DockerAdoption.BackendName;

    public bool CanRun(Label label) => label.Scheme == Label.Docker;

    public async Task<JobOutcome> RunAsync(TaskRun run, CancellationToken cancellationToken)
    {
        DockerTaskPlan plan;
        try
        {
            plan = DockerTaskPlan.Create(config, run);
        }
        catch (ContainerSpecException e)
        {
            _metrics.BackendFailure(Name, BackendFailureReasons.InvalidSpec);
            return new JobOutcome(Result.Failure, e.Message);
        }

        foreach (var note in plan.Notes)
        {
            run.Reporter.Log(note);
        }

        var image = plan.Job.Image;
        DockerProblem? pullProblem;
        try
        {
            pullProblem = await DockerImages.EnsureAllAsync(_client.Value, plan, config.Docker, cancellationToken);
        }
        catch (Exception e) when (IsDockerFailure(e))
        {
            // The client itself could not be made (a docker.host it cannot use).
            pullProblem = new DockerProblem($"The runner could not use Docker at {config.Docker.Host}: {Describe(e)}", BackendFailureReasons.ApiError);
        }

        if (pullProblem is not null)
        {
            _metrics.BackendFailure(Name, pullProblem.Reason);
            return new JobOutcome(Result.Failure, pullProblem.Message);
        }

        var launch = new ExecutorLaunch(run, Settings(run), registry, logger);
        var objects = new DockerTaskObjects(_client.Value, runnerUuid, run.Task.Id, _agent, logger);
        if (await SetUpAsync(run, plan, launch, objects, cancellationToken) is { } problem)
        {
            _metrics.BackendFailure(Name, problem.Reason);
            return new JobOutcome(Result.Failure, problem.Message);
        }

        _metrics.BackendOperation(Name, "create");

        run.Reporter.Log($"Running the job in a Docker container of {image} ({objects.Name})");
        DockerLog.ContainerStarted(logger, run.Task.Id, objects.ContainerId!, image);
        // Once the executor's rows have a place in the log, a later agent process can take the task over.
        launch.Session.Relay.BaseRowFixed = baseRow => records.Save(new TaskRecord(run.Task.Id, Convert.ToBase64String(launch.Session.TokenHash),
            baseRow, run.Reporter.StepCount, 0, "", run.Label.Name, Name, objects.ContainerId));
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
            if (!cancellationToken.IsCancellationRequested)
            {
                _metrics.BackendFailure(Name, BackendFailureReasons.ExecutorLost);
            }

            var result = cancellationToken.IsCancellationRequested ? Result.Cancelled : Result.Failure;
            return new JobOutcome(result, ended
                ? $"The executor ended ({ExecutorExit.Describe(code)}) without reporting the job's result."
                : $"The executor did not report the job's result within {GoDuration.Format(config.Executor.CancelTimeout)} of the cancel; its container was removed.");
        }

        // The executor exits once the agent confirms that the forge has everything.
        return new JobOutcome(finished.Result, finished.Message.Length > 0 ? finished.Message : null,
            () => EndAsync(TimeSpan.FromSeconds(30)));

        async Task EndAsync(TimeSpan wait)
        {
            await Task.WhenAny(exited, Task.Delay(wait, CancellationToken.None));
            records.Delete(run.Task.Id);
            launch.Dispose();
            await objects.RemoveAsync();
            _metrics.BackendOperation(Name, "delete");
        }
    }

    /// <summary>Network, volumes, services, job container, bundle, ready services, start; on any failure removes what was created.</summary>
    /// <returns>Null when the executor runs, else the task's closing message and the reason for metrics.</returns>
    private async Task<DockerProblem?> SetUpAsync(TaskRun run, DockerTaskPlan plan, ExecutorLaunch launch, DockerTaskObjects objects, CancellationToken cancellationToken)
    {
        var what = $"the job container of {plan.Job.Image}";
        try
        {
            await objects.CreateNetworkAsync(plan.Network, cancellationToken);
            await objects.CreateVolumesAsync(cancellationToken);
            var parameters = new ContainerParameters(plan.Profile, config.Container.ValidVolumes,
                VolumeRules.DockerSocket(config.Container.DockerHost, config.Docker.Host), objects.Labels, objects.NetworkName);
            List<string> dropped = [];
            var services = plan.Services.Select(service => new ServiceContainer(service.Spec, service.Image, parameters.Service(
                $"{objects.Name}-{ServiceAlias.From(service.Spec.ServiceId!)}", service.Image, service.Spec, service.Workflow, dropped))).ToList();
            var job = parameters.Job(objects.Name, plan.Job.Image, plan.Job.Spec, plan.Job.Workflow, Environment(run.Task.Id), WorkspaceParent,
                objects.JobBinds(WorkspaceParent, ActDir), dropped);
            foreach (var source in dropped.Distinct(StringComparer.Ordinal))
            {
                run.Reporter.Log($"The volume {source} is not mounted: container.valid_volumes does not allow it");
            }

            var runtime = new ServiceContainers(_client.Value, objects, run.Reporter.Log, time);
            what = "the service containers";
            await runtime.StartAsync(services, cancellationToken);
            what = $"the job container of {plan.Job.Image}";
            await objects.CreateContainerAsync(job, cancellationToken);
            launch.Session.JobContainer = new JobContainerHandle(_client.Value, objects.ContainerId!, runnerUuid, run.Task.Id, BundleDirectory());
            await using (var archive = await BundleArchive.CreateAsync(BundleDirectory(), launch.Token, [WorkspaceParent, ActDir, TempDir, ToolCache], cancellationToken))
            {
                await objects.UploadAsync(archive, cancellationToken);
            }

            if (services.Count > 0 && await runtime.WaitReadyAsync(services, ServiceContainers.ReadyBound, cancellationToken) is { } notReady)
            {
                launch.Dispose();
                await objects.RemoveAsync();
                return new DockerProblem(notReady, BackendFailureReasons.ServiceUnhealthy);
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
            return new DockerProblem($"The runner could not start {what}: {Describe(e)}", BackendFailureReasons.ApiError);
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
        $"KUBE_RUNNER_AGENT={_agent.ExecutorUrl}",
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

    /// <summary>
    /// Asks the Docker daemon whether it answers (for readiness), through the client the tasks use.
    /// </summary>
    /// <returns>Null when it answers, else why not in one line.</returns>
    public async Task<string?> PingAsync(CancellationToken cancellationToken)
    {
        try
        {
            await _client.Value.System.PingAsync(cancellationToken);
            return null;
        }
        catch (Exception e) when (IsDockerFailure(e))
        {
            return $"Docker at {config.Docker.Host} does not answer: {Describe(e)}";
        }
    }

    /// <summary>What talking to Docker (or preparing what goes to it) may throw besides a cancel.</summary>
    public static bool IsDockerFailure(Exception e) =>
        e is DockerApiException or HttpRequestException or IOException or SocketException or TimeoutException
            or UnauthorizedAccessException or DockerConfigurationException;

    public static string Describe(Exception e) => e is DockerApiException api ? DockerImages.Reason(api) : e.Message;

    public void Dispose()
    {
        if (_client.IsValueCreated)
        {
            _client.Value.Dispose();
        }
    }
}
