using k8s.Models;
using KubeRunner.Agent.Backends.Docker.Spec;
using KubeRunner.Agent.Backends.Kubernetes.Api;
using KubeRunner.Agent.Backends.Kubernetes.Spec;
using KubeRunner.Agent.Backends.Kubernetes.Watching;
using KubeRunner.Agent.Configuration;
using KubeRunner.Agent.Diagnostics;
using KubeRunner.Agent.Executors;
using KubeRunner.Agent.Labels;
using KubeRunner.Agent.Tasks;
using KubeRunner.Agent.Tasks.Adoption;
using KubeRunner.Protocol.Executor.V1;
using KubeRunner.Protocol.Runner.V1;
using Microsoft.Extensions.Logging;

namespace KubeRunner.Agent.Backends.Kubernetes;

/// <summary>
/// Runs jobs of <c>name:kubernetes</c> labels as <c>batch/v1</c> Jobs made from the label's profile:
/// the executor, copied in by an init container, is the main process of the job's container, and
/// dials the agent back. A job costs a fixed handful of requests (<see cref="KubernetesTaskObjectsWriter"/>);
/// what happens to its pod is seen through the namespace's shared watch and named in the task log.
/// </summary>
internal sealed class KubernetesBackend(
    RunnerConfig config, Uri instance, string runnerUuid, ExecutorRegistry registry, TaskRecordStore records,
    KubernetesApi api, KubernetesWatches watches, TimeProvider time, ILogger<KubernetesBackend> logger, AgentMetrics? metrics = null) : IJobBackend
{
    public const string BackendName = "kubernetes";

    private readonly AgentMetrics _metrics = metrics ?? AgentMetrics.Unobserved;

    public string Name => BackendName;

    /// <summary>The API client of the tasks, whose last outcome says whether the cluster can be reached.</summary>
    public KubernetesApi Api => api;

    public bool CanRun(Label label) => label.Scheme == Label.Kubernetes;

    public async Task<JobOutcome> RunAsync(TaskRun run, CancellationToken cancellationToken)
    {
        var taskId = run.Task.Id;
        if (!config.Kubernetes.Profiles.TryGetValue(run.Label.Name, out var profile))
        {
            _metrics.BackendFailure(Name, BackendFailureReasons.InvalidSpec);
            return new JobOutcome(Result.Failure, $"The label {run.Label.Name} selects the Kubernetes backend, but config.yaml has no kubernetes.profiles.{run.Label.Name}; add one.");
        }

        if (config.Kubernetes.AgentAddress.Length == 0)
        {
            _metrics.BackendFailure(Name, BackendFailureReasons.InvalidSpec);
            return new JobOutcome(Result.Failure, "kubernetes.agent_address is not set, so job pods cannot reach the runner; set it to the URL of the Service in front of executor.listen.");
        }

        // Ends with the task: the executor needs its session until it hears that the forge has everything.
        var launch = new ExecutorLaunch(run, Settings(run), registry, logger);
        KubernetesTaskObjects objects;
        try
        {
            var (container, services) = TaskContainers.Evaluate(run);
            objects = KubernetesJobBuilder.Build(Request(run, profile, container, services, launch.Token));
            foreach (var unused in services.Prepend(container).Where(c => c.Credentials is not null))
            {
                // A pull secret made from them would put a task's secrets into a Kubernetes object.
                run.Reporter.Log($"The credentials of {unused.Subject} are not used on Kubernetes: the images are pulled with the image_pull_secrets of profile '{run.Label.Name}'");
            }
        }
        catch (Exception e) when (e is ContainerSpecException or KubernetesSpecException)
        {
            launch.Dispose();
            _metrics.BackendFailure(Name, BackendFailureReasons.InvalidSpec);
            return new JobOutcome(Result.Failure, e.Message);
        }

        var ns = objects.Job.Namespace();
        var watch = watches.For(ns).Subscribe(taskId);
        var writer = new KubernetesTaskObjectsWriter(api);
        V1Job job;
        try
        {
            job = await writer.CreateAsync(objects, logger, taskId, cancellationToken);
        }
        catch (Exception e) when (e is KubernetesApiException or OperationCanceledException)
        {
            watch.Dispose();
            launch.Dispose();
            if (e is OperationCanceledException)
            {
                throw;
            }

            KubernetesLog.SetupFailed(logger, taskId, e.Message);
            _metrics.BackendFailure(Name, BackendFailureReasons.ApiError);
            return new JobOutcome(Result.Failure, $"The runner could not create the task's Job: {e.Message}");
        }

        KubernetesLog.JobCreated(logger, taskId, ns, job.Name(), job.Uid(), Image(job));
        _metrics.BackendOperation(Name, "create");
        run.Reporter.Log($"Running the job as Kubernetes Job {ns}/{job.Name()} with {Image(job)}{Resources(job)}");
        var handle = new KubernetesJobHandle(ns, job.Name(), job.Uid());
        // Once the executor's rows have a place in the log, a later agent process can take the task over,
        // here or (from the Job's annotations) on another node.
        launch.Session.Relay.BaseRowFixed = baseRow =>
        {
            records.Save(new TaskRecord(taskId, Convert.ToBase64String(launch.Session.TokenHash), baseRow, run.Reporter.StepCount, 0, "",
                run.Label.Name, Name, handle.ToString()));
            _ = writer.MarkAdoptableAsync(job, baseRow, run.Reporter.StepCount, run.Label.Name, logger, taskId);
        };

        var monitor = new PodMonitor(watch, config.Kubernetes.UnschedulableTimeout, run.Reporter.Log, time, logger, taskId);
        var monitoring = new CancellationTokenSource();
        var ended = monitor.RunAsync(cancellationToken, monitoring.Token);
        var finished = await launch.WaitAsync(ended, config.Executor.CancelTimeout, cancellationToken);
        if (finished is null)
        {
            var words = monitor.Failure
                // Cancelled before the job container ran: no executor, no output to look for.
                ?? (cancellationToken.IsCancellationRequested && !monitor.Started ? "The job's pod had not started yet, so no step ran."
                : await EndedWithoutResultAsync(taskId, handle, monitor, ended));
            await EndAsync();
            if (monitor.FailureReason is not null || !cancellationToken.IsCancellationRequested)
            {
                _metrics.BackendFailure(Name, monitor.FailureReason ?? BackendFailureReasons.ExecutorLost);
            }

            return new JobOutcome(cancellationToken.IsCancellationRequested ? Result.Cancelled : Result.Failure, words);
        }

        // The executor exits once the agent confirms that the forge has everything.
        return new JobOutcome(finished.Result, finished.Message.Length > 0 ? finished.Message : null, async () =>
        {
            await Task.WhenAny(ended, Task.Delay(TimeSpan.FromSeconds(30), time, CancellationToken.None));
            await EndAsync();
        });

        async Task EndAsync()
        {
            await monitoring.CancelAsync();
            records.Delete(taskId);
            launch.Dispose();
            await writer.DeleteAsync(handle, logger, taskId);
            _metrics.BackendOperation(Name, "delete");
            watch.Dispose();
            monitoring.Dispose();
        }
    }

    private async Task<string> EndedWithoutResultAsync(long taskId, KubernetesJobHandle handle, PodMonitor monitor, Task<int> ended)
    {
        if (!ended.IsCompleted)
        {
            return $"The executor did not report the job's result within {GoDuration.Format(config.Executor.CancelTimeout)} of the cancel; its Job was deleted.";
        }

        var code = await ended;
        if (monitor.PodName is { } pod)
        {
            try
            {
                if (await api.LogTailAsync(handle.Namespace, pod, KubernetesJobBuilder.JobContainer, 20, CancellationToken.None) is { Length: > 0 } tail)
                {
                    KubernetesLog.ExecutorOutput(logger, taskId, tail);
                }
            }
            catch (KubernetesApiException)
            {
                // The log is a courtesy for the operator; the task's message stands without it.
            }
        }

        return code < 0
            ? "The job's pod ended before its executor started, so the job's result is unknown."
            : $"The executor ended ({Docker.ExecutorExit.Describe(code)}) without reporting the job's result.";
    }

    private KubernetesJobRequest Request(TaskRun run, KubernetesProfile profile, WorkflowContainer container, IReadOnlyList<WorkflowContainer> services, string token) => new(
        profile,
        run.Label.Name,
        config.Kubernetes.Namespace,
        runnerUuid,
        run.Task.Id,
        TaskContext.Get(run.Task, "repository") ?? "",
        TaskContext.Get(run.Task, "run_id") ?? "",
        run.Job.JobId,
        container,
        services,
        config.Runner.Timeout,
        config.Executor.ReconnectWindow,
        config.Kubernetes.AgentAddress,
        token,
        [.. TaskContext.Secrets(run.Task)]);

    private JobSettings Settings(TaskRun run)
    {
        var settings = ExecutorLaunch.Settings(config, instance, run.Label.Name);
        // The workspace and the runner's own files are the pod's emptyDirs.
        settings.WorkspaceParent = KubernetesJobBuilder.Workspace;
        settings.ActDir = KubernetesJobBuilder.ActDirectory;
        settings.TempDir = KubernetesJobBuilder.ActDirectory + "/tmp";
        settings.ToolCache = KubernetesJobBuilder.ActDirectory + "/toolcache";
        settings.Host = false;
        settings.Backend = Name;
        return settings;
    }

    private static string Image(V1Job job) => job.Spec.Template.Spec.Containers[0].Image;

    private static string Resources(V1Job job)
    {
        var requests = job.Spec.Template.Spec.Containers[0].Resources?.Requests;
        return requests is null || requests.Count == 0 ? ""
            : $" (requests: {string.Join(", ", requests.OrderBy(r => r.Key, StringComparer.Ordinal).Select(r => $"{r.Key} {r.Value}"))})";
    }
}
