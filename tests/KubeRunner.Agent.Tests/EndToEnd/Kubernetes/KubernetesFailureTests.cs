using System.Diagnostics;
using k8s;
using k8s.Models;
using KubeRunner.Agent.Tests.TestSupport;
using KubeRunner.Protocol.Runner.V1;
using KubeRunner.Testing;
using KubeRunner.Testing.FakeForge;
using KubeRunner.Testing.FakeKubernetes;
using static KubeRunner.Agent.Tests.EndToEnd.Kubernetes.ScriptedKubernetesTask;

namespace KubeRunner.Agent.Tests.EndToEnd.Kubernetes;

/// <summary>
/// Every way a task's pod can fail, scripted in the fake API server, through the forge and the real
/// daemon: the task fails, its log ends with the one line naming the failure, and its Job is deleted.
/// Also the API refusing the backend's requests.
/// </summary>
public sealed class KubernetesFailureTests
{
    private const string PullMessage = "rpc error: code = NotFound desc = failed to pull and unpack image: not found";
    private const string SchedulerMessage = "0/3 nodes are available: 3 Insufficient memory. preemption: 0/3 nodes are available: 3 No preemption victims found for incoming pod.";
    private const string EphemeralMessage = "Pod ephemeral local storage usage exceeds the total limit of containers 1Gi.";
    private const string PreemptionMessage = "default-scheduler: preempting to accommodate a higher priority pod";
    private const string CopyMessage = "cp: can't create '/__kube-runner/kube-runner-executor': No space left on device";

    [Theory]
    [InlineData("ErrImagePull")]
    [InlineData("ImagePullBackOff")]
    [InlineData("InvalidImageName")]
    [InlineData("CreateContainerConfigError")]
    [InlineData("Unschedulable")]
    [InlineData("OOMKilled")]
    [InlineData("Evicted")]
    [InlineData("DisruptionTarget")]
    [InlineData("DeadlineExceeded")]
    [InlineData("InitContainerFailed")]
    public async Task Task_PodFails_EndsFailedWithTheLineNamingItAndDeletesItsJob(string failure)
    {
        await using var task = await StartAsync(kubernetesConfig: "  unschedulable_timeout: 1s\n");
        await task.PodAsync();

        var expected = await ScriptAsync(failure, task);

        var done = await task.DoneAsync();
        var rows = Rows(done);
        Assert.True(done.Result == Result.Failure, task.Runner.Explain(done));
        // The failure is the last row before the closing one the reporter adds to every log.
        Assert.Equal([expected, "🏁 Job failed"], rows[^2..]);
        Assert.Single(rows, expected);
        Assert.True(await task.JobDeletedAsync(), $"Job {task.JobName} or its Secret is still there\n{task.Runner.Explain(done)}");
    }

    /// <summary>Scripts the pod from waiting for the scheduler to <paramref name="failure"/>, waiting for the pending rows on the way.</summary>
    /// <returns>The line that names the failure.</returns>
    private static async Task<string> ScriptAsync(string failure, ScriptedKubernetesTask task)
    {
        var (kube, pod) = (task.Kube, task.Pod);
        switch (failure)
        {
            case "ErrImagePull" or "ImagePullBackOff":
                await CreatingJobContainerAsync(task);
                kube.SetWaiting(Ns, pod, "job", failure, PullMessage);
                return $"Cannot pull image {Image} for container job of pod {pod} ({failure}): {PullMessage}";
            case "InvalidImageName":
                await CreatingJobContainerAsync(task);
                kube.SetWaiting(Ns, pod, "job", failure, $"Failed to apply default image tag \"{Image}\": couldn't parse image name");
                return $"Invalid image name {Image} for container job of pod {pod} (InvalidImageName): Failed to apply default image tag \"{Image}\": couldn't parse image name";
            case "CreateContainerConfigError":
                await CreatingJobContainerAsync(task);
                kube.SetWaiting(Ns, pod, "job", failure, "secret \"build-cache-credentials\" not found");
                return $"Cannot create container job of pod {pod}: its configuration is invalid (CreateContainerConfigError): secret \"build-cache-credentials\" not found";
            case "Unschedulable":
                await EarlyInASecondAsync();
                kube.SetUnschedulable(Ns, pod, SchedulerMessage);
                await task.RowAsync($"Waiting for a node that can run pod {pod} (the task fails after 1s without one): {SchedulerMessage}");
                return $"No node could run pod {pod} for 1s (kubernetes.unschedulable_timeout is 1s): {SchedulerMessage}";
            case "OOMKilled":
                kube.SetRunning(Ns, pod);
                kube.SetTerminated(Ns, pod, "job", 137, "OOMKilled");
                return $"Container job of pod {pod} was killed: exit code 137: out of memory (limit 256Mi)";
            case "Evicted":
                kube.SetRunning(Ns, pod);
                kube.Evict(Ns, pod, EphemeralMessage);
                return $"Pod {pod} was evicted for using too much ephemeral storage (limit 1Gi for the job container): {EphemeralMessage}";
            case "DisruptionTarget":
                kube.SetRunning(Ns, pod);
                kube.UpdatePodStatus(Ns, pod, status => status.Conditions.Add(new V1PodCondition
                {
                    Type = "DisruptionTarget", Status = "True", Reason = "PreemptionByScheduler", Message = PreemptionMessage, LastTransitionTime = DateTime.UtcNow,
                }));
                kube.SetTerminated(Ns, pod, "job", 143, "Error");
                return $"Pod {pod} was stopped while the job ran: the scheduler preempted it to make room for a pod of higher priority (PreemptionByScheduler): {PreemptionMessage}";
            case "DeadlineExceeded":
                kube.SetRunning(Ns, pod);
                kube.ExceedDeadline(Ns, task.JobName);
                // runner.timeout is 3h by default; the deadline leaves the executor 5 minutes past it.
                return $"Job {task.JobName} ran longer than its activeDeadlineSeconds (11100s, 3h5m0s) and Kubernetes stopped it (DeadlineExceeded): Job was active longer than specified deadline";
            case "InitContainerFailed":
                kube.SetWaiting(Ns, pod, "job", "PodInitializing");
                await task.RowAsync($"Creating container executor of pod {pod}, pulling {ExecutorImage} if the node does not have it");
                kube.FailInitContainer(Ns, pod, "executor", 1, message: CopyMessage);
                return $"Init container executor, which copies the executor from the executor image {ExecutorImage} into the pod, failed in pod {pod}: exit code 1: {CopyMessage}";
            default:
                throw new ArgumentOutOfRangeException(nameof(failure), failure, "no such scenario");
        }
    }

    private static async Task CreatingJobContainerAsync(ScriptedKubernetesTask task)
    {
        task.Kube.SetWaiting(Ns, task.Pod, "job", "ContainerCreating");
        await task.RowAsync($"Creating container job of pod {task.Pod}, pulling {Image} if the node does not have it");
    }

    /// <summary>
    /// Condition times have whole seconds, as Kubernetes' do, so the wait counts from the start of the
    /// second the pod became unschedulable; starting early in a second leaves the watch most of the
    /// 1 s wait to show the waiting row, and the task fails after "1s", not "2s".
    /// </summary>
    private static async Task EarlyInASecondAsync()
    {
        while (DateTime.UtcNow.Millisecond > 150)
        {
            await Task.Delay(TimeSpan.FromMilliseconds(10));
        }
    }

    [Fact]
    public async Task Cancel_WhilePodIsUnschedulable_EndsCancelledPromptlyAndDeletesTheJob()
    {
        await using var task = await StartAsync();
        await task.PodAsync();
        task.Kube.SetUnschedulable(Ns, task.Pod, SchedulerMessage);
        await task.RowAsync($"Waiting for a node that can run pod {task.Pod} (the task fails after 10m0s without one): {SchedulerMessage}");

        var clock = Stopwatch.StartNew();
        task.Runner.Forge.CancelTask(task.TaskId);
        var done = await task.DoneAsync();
        var deleted = await task.JobDeletedAsync();

        Assert.True(done.Result == Result.Cancelled, task.Runner.Explain(done));
        Assert.True(deleted, $"Job {task.JobName} or its Secret is still there\n{task.Runner.Explain(done)}");
        // The executor's cancel timeout (5m) is for an executor running post-cancel steps; none runs here.
        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(30), $"the task ended {clock.Elapsed} after the cancel");
        Assert.Equal(["The job was cancelled on the forge. The job's pod had not started yet, so no step ran.", "🏁 Job cancelled"], Rows(done)[^2..]);
        // No container ran, so there is no output to fetch.
        Assert.Equal(0, task.Kube.Requests.Count("get", "pods/log"));
    }

    [Fact]
    public async Task CreateJob_TwoServiceUnavailable_IsRetriedAndTheJobCreated()
    {
        await using var task = await StartAsync(beforeJob: kube =>
            kube.FailNext("create", "jobs", 503, "the server is currently unable to handle the request", times: 2));
        await task.PodAsync();

        Assert.Equal(["create secrets 201", "create jobs 503", "create jobs 503", "create jobs 201"], task.Requests().Take(4));
        task.Kube.SetWaiting(Ns, task.Pod, "job", "ErrImagePull", PullMessage);
        var done = await task.DoneAsync();
        Assert.True(done.Result == Result.Failure, task.Runner.Explain(done));
        Assert.Equal([$"Cannot pull image {Image} for container job of pod {task.Pod} (ErrImagePull): {PullMessage}", "🏁 Job failed"], Rows(done)[^2..]);
        Assert.True(await task.JobDeletedAsync(), task.Runner.Explain(done));
    }

    [Fact]
    public async Task CreateJob_Forbidden_FailsAtOnceWithTheApiMessageAndDeletesTheSecret()
    {
        const string message = "jobs.batch is forbidden: User \"system:serviceaccount:ci:kube-runner\" cannot create resource \"jobs\" in API group \"batch\" in the namespace \"ci\"";
        await using var task = await StartAsync(beforeJob: kube => kube.FailNext("create", "jobs", 403, message));

        var done = await task.DoneAsync();

        Assert.True(done.Result == Result.Failure, task.Runner.Explain(done));
        Assert.Equal([$"The runner could not create the task's Job: creating Job {Ns}/{task.JobName} failed: {message} (403 Forbidden)", "🏁 Job failed"], Rows(done)[^2..]);
        // Not retried: a refusal does not go away by asking again.
        Assert.Equal(["create secrets 201", "create jobs 403", "delete secrets 200"], task.Requests());
        Assert.Null(task.Kube.GetSecret(Ns, task.JobName));
        Assert.Null(task.Kube.GetJob(Ns, task.JobName));
    }

    [Fact]
    public async Task CreateJob_ForbiddenAndSecretDeleteForbidden_FailsWithTheCreateRefusal()
    {
        const string message = "jobs.batch is forbidden: User \"system:serviceaccount:ci:kube-runner\" cannot create resource \"jobs\"";
        await using var task = await StartAsync(beforeJob: kube =>
        {
            kube.FailNext("create", "jobs", 403, message);
            kube.FailNext("delete", "secrets", 403, "secrets is forbidden: User \"system:serviceaccount:ci:kube-runner\" cannot delete resource \"secrets\"");
        });

        var done = await task.DoneAsync();

        Assert.True(done.Result == Result.Failure, task.Runner.Explain(done));
        Assert.Equal($"The runner could not create the task's Job: creating Job {Ns}/{task.JobName} failed: {message} (403 Forbidden)", Rows(done)[^2]);
        // Left for the next start's sweep, which removes Secrets of tasks the agent no longer runs.
        Assert.NotNull(task.Kube.GetSecret(Ns, task.JobName));
    }

    [Fact]
    public async Task CreateSecret_Invalid_FailsNamingTheApiMessageAndCreatesNoJob()
    {
        const string message = "Secret \"kube-runner-task-1\" is invalid: metadata.labels: Invalid value: \"owner/repo\": a valid label must be an empty string or consist of alphanumeric characters";
        await using var task = await StartAsync(beforeJob: kube => kube.FailNext("create", "secrets", 422, message));

        var done = await task.DoneAsync();

        Assert.True(done.Result == Result.Failure, task.Runner.Explain(done));
        Assert.Equal([$"The runner could not create the task's Job: creating Secret {Ns}/{task.JobName} failed: {message} (422 UnprocessableEntity)", "🏁 Job failed"], Rows(done)[^2..]);
        Assert.Equal(["create secrets 422"], task.Requests());
        Assert.Equal(0, task.Kube.Requests.Count("create", "jobs"));
    }

    [Fact]
    public async Task CreateSecret_AlreadyThereFromACreateWhoseAnswerWasLost_IsUsedAndTheJobIsCreated()
    {
        await using var kube = await FakeKubeApiServer.StartAsync();
        await using var runner = await KubernetesRunner.StartAsync(kube, "      image: debian:bookworm\n      executor_image: kube-runner-executor:1\n");
        // After the start's sweep, which would rightly delete an ownerless Secret of a task it does not run.
        while (kube.Requests.Count("list", "secrets") == 0)
        {
            await Task.Delay(TimeSpan.FromMilliseconds(20));
        }

        // The fake forge numbers tasks from 1001: the Secret stands for an earlier attempt of this task's create.
        var name = KubernetesRunner.JobName(runner.RunnerUuid, 1001);
        var labels = new Dictionary<string, string> { ["kube-runner.forgejo.org/runner-uuid"] = runner.RunnerUuid, ["kube-runner.forgejo.org/task-id"] = "1001" };
        await kube.CreateClient().CoreV1.CreateNamespacedSecretAsync(new V1Secret { Metadata = new V1ObjectMeta { Name = name, Labels = labels } }, Ns);

        var job = runner.Enqueue("on: push\njobs:\n  build:\n    runs-on: linux\n    steps:\n      - run: echo never\n");
        var task = await runner.Forge.WaitForTaskAsync(t => t.JobId == job, TestTimeouts.Scenario);
        var (jobName, _) = await KubernetesRunner.PodAsync(kube, runner.RunnerUuid, task.Id);

        Assert.Equal((1001, name), (task.Id, jobName));
        Assert.Equal(["create secrets 201", "create secrets 409", "get secrets 200", "create jobs 201"],
            kube.Requests.All.Where(r => r.Name == name && r.Verb is "create" or "get").Select(r => $"{r.Verb} {r.Resource} {r.StatusCode}"));
        runner.Forge.CancelTask(task.Id);
        Assert.Equal(Result.Cancelled, (await runner.WaitDoneAsync(job)).Result);
    }

    private static string[] Rows(FakeTask task) => [.. task.LogRows.Select(r => r.Content)];
}
