using k8s;
using k8s.Models;
using KubeRunner.Testing.FakeKubernetes;

namespace KubeRunner.Testing.Tests.FakeKubernetes;

/// <summary>The scripted kubelet/scheduler states, the Job controller's answers to them, and the 410 the client sees.</summary>
public sealed class FakeKubeScriptedStateTests : IAsyncLifetime
{
    private const string Ns = "ci";
    private FakeKubeApiServer _fake = null!;
    private Kubernetes _client = null!;

    public async Task InitializeAsync()
    {
        _fake = await FakeKubeApiServer.StartAsync(new FakeKubeOptions { HistoryLimit = 3, BookmarkInterval = TimeSpan.FromMilliseconds(20) });
        _client = _fake.CreateClient();
    }

    public async Task DisposeAsync()
    {
        _client.Dispose();
        await _fake.DisposeAsync();
    }

    [Theory]
    [InlineData("ErrImagePull")]
    [InlineData("ImagePullBackOff")]
    [InlineData("InvalidImageName")]
    [InlineData("CreateContainerConfigError")]
    public async Task SetWaiting_Reason_ShowsInContainerStatus(string reason)
    {
        var (_, podName) = await StartJobAsync();

        _fake.SetWaiting(Ns, podName, "job", reason, "for image alpine:3.20");

        var pod = await _client.CoreV1.ReadNamespacedPodAsync(podName, Ns);
        Assert.Equal("Pending", pod.Status.Phase);
        var waiting = Assert.Single(pod.Status.ContainerStatuses).State.Waiting;
        Assert.Equal((reason, "for image alpine:3.20"), (waiting.Reason, waiting.Message));
    }

    [Fact]
    public async Task SetUnschedulable_WithEvent_ShowsConditionAndListsEvent()
    {
        var (_, podName) = await StartJobAsync();
        const string message = "0/3 nodes are available: 3 Insufficient cpu.";

        _fake.SetUnschedulable(Ns, podName, message);
        _fake.AddEvent(Ns, "Pod", podName, "FailedScheduling", message, "Warning");

        var pod = await _client.CoreV1.ReadNamespacedPodAsync(podName, Ns);
        var condition = Assert.Single(pod.Status.Conditions);
        Assert.Equal(("PodScheduled", "False", "Unschedulable", message), (condition.Type, condition.Status, condition.Reason, condition.Message));
        var ev = Assert.Single((await _client.CoreV1.ListNamespacedEventAsync(Ns)).Items);
        Assert.Equal(("FailedScheduling", "Warning", podName, pod.Metadata.Uid), (ev.Reason, ev.Type, ev.InvolvedObject.Name, ev.InvolvedObject.Uid));
    }

    [Fact]
    public async Task FailInitContainer_PodFailsAndJobFails()
    {
        var spec = FakeKubeTestJobs.NewJob();
        spec.Spec.Template.Spec.InitContainers = [new V1Container { Name = "inject", Image = "executor:1" }];
        var job = await _client.BatchV1.CreateNamespacedJobAsync(spec, Ns);
        var podName = _fake.PodsOfJob(Ns, job.Metadata.Name).Single().Metadata.Name;

        _fake.FailInitContainer(Ns, podName, "inject", 1, message: "cp: cannot create /kr/executor");

        var pod = await _client.CoreV1.ReadNamespacedPodAsync(podName, Ns);
        Assert.Equal("Failed", pod.Status.Phase);
        var init = Assert.Single(pod.Status.InitContainerStatuses);
        Assert.Equal(("inject", 1, "Error"), (init.Name, init.State.Terminated.ExitCode, init.State.Terminated.Reason));
        var status = (await _client.BatchV1.ReadNamespacedJobAsync(job.Metadata.Name, Ns)).Status;
        Assert.Contains(status.Conditions, c => c is { Type: "Failed", Reason: "BackoffLimitExceeded" });
    }

    [Fact]
    public async Task ExceedDeadline_JobFailsWithDeadlineExceededAndPodIsDeleted()
    {
        var (job, podName) = await StartJobAsync();
        _fake.SetRunning(Ns, podName);

        _fake.ExceedDeadline(Ns, job.Metadata.Name);

        var status = (await _client.BatchV1.ReadNamespacedJobAsync(job.Metadata.Name, Ns)).Status;
        var condition = Assert.Single(status.Conditions);
        Assert.Equal(("Failed", "DeadlineExceeded"), (condition.Type, condition.Reason));
        Assert.Equal((0, 1), (status.Active, status.Failed));
        Assert.Empty((await _client.CoreV1.ListNamespacedPodAsync(Ns)).Items);
    }

    [Fact]
    public async Task SetTerminated_ExitZero_JobCompletes()
    {
        var (job, podName) = await StartJobAsync();
        _fake.SetRunning(Ns, podName);

        _fake.SetTerminated(Ns, podName, "job", 0, "Completed");

        Assert.Equal("Succeeded", (await _client.CoreV1.ReadNamespacedPodAsync(podName, Ns)).Status.Phase);
        var status = (await _client.BatchV1.ReadNamespacedJobAsync(job.Metadata.Name, Ns)).Status;
        Assert.Equal((0, 1), (status.Active, status.Succeeded));
        Assert.Contains(status.Conditions, c => c is { Type: "Complete", Status: "True" });
        Assert.NotNull(status.CompletionTime);
    }

    [Fact]
    public async Task CreatePodDisruptionBudget_ListsBySelector()
    {
        await _client.PolicyV1.CreateNamespacedPodDisruptionBudgetAsync(new V1PodDisruptionBudget
        {
            Metadata = new V1ObjectMeta { Name = "task-1", Labels = new Dictionary<string, string> { ["task"] = "1" } },
            Spec = new V1PodDisruptionBudgetSpec { MaxUnavailable = 0, Selector = new V1LabelSelector { MatchLabels = new Dictionary<string, string> { ["task"] = "1" } } },
        }, Ns);

        var pdb = Assert.Single((await _client.PolicyV1.ListNamespacedPodDisruptionBudgetAsync(Ns, labelSelector: "task=1")).Items);
        Assert.Equal(("policy/v1", "PodDisruptionBudget", "0"), (pdb.ApiVersion, pdb.Kind, pdb.Spec.MaxUnavailable.Value));
    }

    [Fact]
    public async Task Watch_FromCompactedVersion_ClientSeesGone()
    {
        for (var i = 0; i < 5; i++)
        {
            await _client.CoreV1.CreateNamespacedSecretAsync(new V1Secret { Metadata = new V1ObjectMeta { Name = $"s{i}" } }, Ns);
        }

        using var timeout = new CancellationTokenSource(TestTimeouts.Default);
        var events = new List<string>();
        var errors = new List<Exception>();
        await foreach (var (type, item) in _client.CoreV1.WatchListNamespacedSecretAsync(Ns, resourceVersion: "2", onError: errors.Add, cancellationToken: timeout.Token))
        {
            events.Add($"{type} {item?.Metadata?.Name}");
        }

        // The client ends the watch and hands the ERROR event's Status to onError: the caller must relist.
        Assert.Empty(events);
        var gone = Assert.IsType<KubernetesException>(Assert.Single(errors));
        Assert.Equal((410, "Expired"), (gone.Status.Code, gone.Status.Reason));
    }

    [Fact]
    public async Task Watch_Idle_ReceivesBookmarksAndIsLogged()
    {
        var version = (await _client.CoreV1.ListNamespacedPodAsync(Ns)).Metadata.ResourceVersion;
        using var timeout = new CancellationTokenSource(TestTimeouts.Default);
        var bookmarks = 0;

        await foreach (var (type, _) in _client.CoreV1.WatchListNamespacedPodAsync(Ns, resourceVersion: version, allowWatchBookmarks: true, cancellationToken: timeout.Token))
        {
            Assert.Equal(WatchEventType.Bookmark, type);
            if (++bookmarks == 3)
            {
                break;
            }
        }

        Assert.Equal(1, _fake.Requests.Count("watch", "pods"));
        Assert.Equal(1, _fake.Requests.Count("list", "pods"));
    }

    private async Task<(V1Job Job, string PodName)> StartJobAsync()
    {
        var job = await _client.BatchV1.CreateNamespacedJobAsync(FakeKubeTestJobs.NewJob(), Ns);
        return (job, _fake.PodsOfJob(Ns, job.Metadata.Name).Single().Metadata.Name);
    }
}
