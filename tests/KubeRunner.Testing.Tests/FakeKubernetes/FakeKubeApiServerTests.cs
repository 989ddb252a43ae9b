using System.Net;
using System.Text;
using System.Text.Json;
using k8s;
using k8s.Autorest;
using k8s.Models;
using KubeRunner.Testing.FakeKubernetes;

namespace KubeRunner.Testing.Tests.FakeKubernetes;

/// <summary>The fake API server driven through the real KubernetesClient, as the backend will drive it.</summary>
public sealed class FakeKubeApiServerTests : IAsyncLifetime
{
    private const string Ns = "ci";
    private FakeKubeApiServer _fake = null!;
    private Kubernetes _client = null!;

    public async Task InitializeAsync()
    {
        _fake = await FakeKubeApiServer.StartAsync(new FakeKubeOptions { HistoryLimit = 50, BookmarkInterval = TimeSpan.FromMilliseconds(50) });
        _client = _fake.CreateClient();
    }

    public async Task DisposeAsync()
    {
        _client.Dispose();
        await _fake.DisposeAsync();
    }

    [Fact]
    public async Task CreateJob_WithGenerateName_CreatesNamedJobAndOwnedPod()
    {
        var job = await _client.BatchV1.CreateNamespacedJobAsync(NewJob(), Ns);

        Assert.StartsWith("task-", job.Metadata.Name);
        Assert.Equal("task-".Length + 5, job.Metadata.Name.Length);
        Assert.False(string.IsNullOrEmpty(job.Metadata.Uid));
        Assert.False(string.IsNullOrEmpty(job.Metadata.ResourceVersion));
        Assert.NotNull(job.Metadata.CreationTimestamp);
        var pod = Assert.Single((await _client.CoreV1.ListNamespacedPodAsync(Ns)).Items);
        Assert.StartsWith(job.Metadata.Name + "-", pod.Metadata.Name);
        Assert.Equal(job.Metadata.Name, pod.Metadata.Labels["job-name"]);
        Assert.Equal(job.Metadata.Uid, pod.Metadata.Labels["controller-uid"]);
        Assert.Equal("runner-1", pod.Metadata.Labels["kube-runner/runner"]);
        var owner = Assert.Single(pod.Metadata.OwnerReferences);
        Assert.Equal((job.Metadata.Uid, "Job", true), (owner.Uid, owner.Kind, owner.Controller ?? false));
        Assert.Equal("alpine:3.20", pod.Spec.Containers[0].Image);
        Assert.Equal("Pending", pod.Status.Phase);
        Assert.Equal(1, (await _client.BatchV1.ReadNamespacedJobAsync(job.Metadata.Name, Ns)).Status.Active);
    }

    [Fact]
    public async Task CreateJob_AtSubSecondTimes_LogsRequestsAndCreationsAtThoseTimes()
    {
        var time = new SettableTime(new DateTimeOffset(2025, 6, 2, 9, 30, 0, 250, TimeSpan.Zero));
        await using var fake = await FakeKubeApiServer.StartAsync(new FakeKubeOptions { TimeProvider = time });
        using var client = fake.CreateClient();
        var atJob = time.Now;
        var job = await client.BatchV1.CreateNamespacedJobAsync(NewJob(), Ns);
        time.Now += TimeSpan.FromMilliseconds(300);
        var atSecret = time.Now;
        await client.CoreV1.CreateNamespacedSecretAsync(new V1Secret { Metadata = new V1ObjectMeta { Name = "token" } }, Ns);

        // creationTimestamp keeps whole seconds; the logs keep the clock's precision.
        Assert.Equal(new DateTime(2025, 6, 2, 9, 30, 0, DateTimeKind.Utc), job.Metadata.CreationTimestamp);
        var pod = Assert.Single(fake.PodsOfJob(Ns, job.Metadata.Name));
        Assert.Equal(
            [new KubeCreation("jobs", Ns, job.Metadata.Name, atJob), new KubeCreation("pods", Ns, pod.Metadata.Name, atJob), new KubeCreation("secrets", Ns, "token", atSecret)],
            fake.Creations.All);
        Assert.Equal(atJob, fake.Creations.Of("pods", Ns, pod.Metadata.Name));
        Assert.Null(fake.Creations.Of("pods", "other", pod.Metadata.Name));
        Assert.Equal([("jobs", job.Metadata.Name, atJob), ("secrets", "token", atSecret)],
            fake.Requests.All.Where(r => r.Verb == "create").Select(r => (r.Resource, r.Name, r.Time)));
    }

    [Fact]
    public async Task ListPods_WithLabelSelectors_ReturnsOnlyMatchingPods()
    {
        await _client.CoreV1.CreateNamespacedSecretAsync(new V1Secret { Metadata = new V1ObjectMeta { Name = "a", Labels = new Dictionary<string, string> { ["task"] = "1" } } }, Ns);
        await _client.CoreV1.CreateNamespacedSecretAsync(new V1Secret { Metadata = new V1ObjectMeta { Name = "b", Labels = new Dictionary<string, string> { ["task"] = "2", ["keep"] = "" } } }, Ns);
        await _client.CoreV1.CreateNamespacedSecretAsync(new V1Secret { Metadata = new V1ObjectMeta { Name = "c" } }, Ns);

        async Task<string> Names(string selector) =>
            string.Join(",", (await _client.CoreV1.ListNamespacedSecretAsync(Ns, labelSelector: selector)).Items.Select(s => s.Metadata.Name));

        Assert.Equal("a", await Names("task=1"));
        Assert.Equal("a,b", await Names("task in (1, 2)"));
        Assert.Equal("b,c", await Names("task!=1"));
        Assert.Equal("a,b", await Names("task"));
        Assert.Equal("c", await Names("!task"));
        Assert.Equal("b", await Names("task,keep"));
    }

    [Fact]
    public async Task Watch_FromVersion_SeesLaterEventsInOrderAndBookmarks()
    {
        var before = (await _client.CoreV1.ListNamespacedSecretAsync(Ns)).Metadata.ResourceVersion;
        await _client.CoreV1.CreateNamespacedSecretAsync(new V1Secret { Metadata = new V1ObjectMeta { Name = "s1" } }, Ns);
        var job = await _client.BatchV1.CreateNamespacedJobAsync(NewJob(), Ns);
        await _client.CoreV1.DeleteNamespacedSecretAsync("s1", Ns);
        var pod = _fake.PodsOfJob(Ns, job.Metadata.Name).Single();
        _fake.SetRunning(Ns, pod.Metadata.Name);

        using var timeout = new CancellationTokenSource(TestTimeouts.Default);
        var seen = new List<string>();
        var podEvents = new List<string>();
        await foreach (var (type, secret) in _client.CoreV1.WatchListNamespacedSecretAsync(Ns, resourceVersion: before, allowWatchBookmarks: true, cancellationToken: timeout.Token))
        {
            seen.Add($"{type} {secret.Metadata.Name}");
            if (type == WatchEventType.Bookmark)
            {
                Assert.Equal(_fake.GetPod(Ns, pod.Metadata.Name)!.Metadata.ResourceVersion, secret.Metadata.ResourceVersion);
                break;
            }
        }

        await foreach (var (type, item) in _client.CoreV1.WatchListNamespacedPodAsync(Ns, resourceVersion: before, cancellationToken: timeout.Token))
        {
            podEvents.Add($"{type} {item.Status.Phase}");
            if (item.Status.Phase == "Running")
            {
                break;
            }
        }

        Assert.Equal(["Added s1", "Deleted s1", "Bookmark "], seen);
        Assert.Equal(["Added Pending", "Modified Running"], podEvents);
    }

    [Fact]
    public async Task Watch_FromVersionOlderThanHistory_AnswersErrorEventWithGone()
    {
        await using var fake = await FakeKubeApiServer.StartAsync(new FakeKubeOptions { HistoryLimit = 2 });
        for (var i = 0; i < 4; i++)
        {
            await fake.CreateClient().CoreV1.CreateNamespacedSecretAsync(new V1Secret { Metadata = new V1ObjectMeta { Name = $"s{i}" } }, Ns);
        }

        using var http = new HttpClient();
        var body = await http.GetStringAsync($"{fake.Url}/api/v1/namespaces/{Ns}/secrets?watch=true&resourceVersion=2");

        using var line = JsonDocument.Parse(body.Trim());
        Assert.Equal("ERROR", line.RootElement.GetProperty("type").GetString());
        var status = line.RootElement.GetProperty("object");
        Assert.Equal(("Status", 410, "Expired"), (status.GetProperty("kind").GetString(), status.GetProperty("code").GetInt32(), status.GetProperty("reason").GetString()));
    }

    [Fact]
    public async Task DeleteJob_WithBackgroundPropagation_RemovesItsPodsAndOwnedSecret()
    {
        var job = await _client.BatchV1.CreateNamespacedJobAsync(NewJob(), Ns);
        await _client.CoreV1.CreateNamespacedSecretAsync(new V1Secret
        {
            Metadata = new V1ObjectMeta { Name = "token", OwnerReferences = [new V1OwnerReference { ApiVersion = "batch/v1", Kind = "Job", Name = job.Metadata.Name, Uid = job.Metadata.Uid }] },
        }, Ns);

        await _client.BatchV1.DeleteNamespacedJobAsync(job.Metadata.Name, Ns, new V1DeleteOptions { PropagationPolicy = "Background", Preconditions = new V1Preconditions { Uid = job.Metadata.Uid } });

        Assert.Empty((await _client.BatchV1.ListNamespacedJobAsync(Ns)).Items);
        Assert.Empty((await _client.CoreV1.ListNamespacedPodAsync(Ns)).Items);
        Assert.Empty((await _client.CoreV1.ListNamespacedSecretAsync(Ns)).Items);
    }

    [Fact]
    public async Task DeleteJob_WithoutPolicy_OrphansPodsAsKubernetesDoes()
    {
        var job = await _client.BatchV1.CreateNamespacedJobAsync(NewJob(), Ns);

        await _client.BatchV1.DeleteNamespacedJobAsync(job.Metadata.Name, Ns);

        var pod = Assert.Single((await _client.CoreV1.ListNamespacedPodAsync(Ns)).Items);
        Assert.Empty(pod.Metadata.OwnerReferences ?? []);
    }

    [Fact]
    public async Task DeleteJob_UidPreconditionMismatch_Conflict()
    {
        var job = await _client.BatchV1.CreateNamespacedJobAsync(NewJob(), Ns);

        var error = await Assert.ThrowsAsync<HttpOperationException>(() => _client.BatchV1.DeleteNamespacedJobAsync(job.Metadata.Name, Ns,
            new V1DeleteOptions { PropagationPolicy = "Foreground", Preconditions = new V1Preconditions { Uid = "not-the-uid" } }));

        Assert.Equal(HttpStatusCode.Conflict, error.Response.StatusCode);
        Assert.Contains("Precondition failed: UID in precondition: not-the-uid", error.Response.Content);
        Assert.Single((await _client.BatchV1.ListNamespacedJobAsync(Ns)).Items);
    }

    [Fact]
    public async Task ReadJob_Missing_NotFoundStatus()
    {
        var error = await Assert.ThrowsAsync<HttpOperationException>(() => _client.BatchV1.ReadNamespacedJobAsync("nope", Ns));

        Assert.Equal(HttpStatusCode.NotFound, error.Response.StatusCode);
        var status = KubeStrictJson.Read<V1Status>(error.Response.Content);
        Assert.Equal(("Failure", "NotFound", 404, "jobs.batch \"nope\" not found"), (status.Status, status.Reason, status.Code, status.Message));
    }

    [Fact]
    public async Task SetTerminated_OomKilled_ShowsInPodStatusAndFailsJob()
    {
        var job = await _client.BatchV1.CreateNamespacedJobAsync(NewJob(), Ns);
        var podName = _fake.PodsOfJob(Ns, job.Metadata.Name).Single().Metadata.Name;
        _fake.SetRunning(Ns, podName);

        _fake.SetTerminated(Ns, podName, "job", 137, "OOMKilled");

        var pod = await _client.CoreV1.ReadNamespacedPodAsync(podName, Ns);
        Assert.Equal("Failed", pod.Status.Phase);
        var terminated = Assert.Single(pod.Status.ContainerStatuses).State.Terminated;
        Assert.Equal((137, "OOMKilled"), (terminated.ExitCode, terminated.Reason));
        var failed = (await _client.BatchV1.ReadNamespacedJobAsync(job.Metadata.Name, Ns)).Status;
        Assert.Equal((0, 1), (failed.Active, failed.Failed));
        Assert.Contains(failed.Conditions, c => c is { Type: "Failed", Status: "True", Reason: "BackoffLimitExceeded" });
    }

    [Fact]
    public async Task Evict_WithFailJobRuleOnDisruptionTarget_FailsJobByPolicy()
    {
        var spec = NewJob();
        spec.Spec.PodFailurePolicy = new V1PodFailurePolicy
        {
            Rules = [new V1PodFailurePolicyRule { Action = "FailJob", OnPodConditions = [new V1PodFailurePolicyOnPodConditionsPattern { Type = "DisruptionTarget", Status = "True" }] }],
        };
        var job = await _client.BatchV1.CreateNamespacedJobAsync(spec, Ns);
        var podName = _fake.PodsOfJob(Ns, job.Metadata.Name).Single().Metadata.Name;
        _fake.SetRunning(Ns, podName);

        _fake.Evict(Ns, podName, "Pod ephemeral local storage usage exceeds the total limit of containers 100Gi.");

        var pod = await _client.CoreV1.ReadNamespacedPodAsync(podName, Ns);
        Assert.Equal(("Failed", "Evicted"), (pod.Status.Phase, pod.Status.Reason));
        Assert.Contains(pod.Status.Conditions, c => c is { Type: "DisruptionTarget", Status: "True" });
        var condition = Assert.Single((await _client.BatchV1.ReadNamespacedJobAsync(job.Metadata.Name, Ns)).Status.Conditions);
        Assert.Equal(("Failed", "PodFailurePolicy"), (condition.Type, condition.Reason));
        Assert.Contains("has condition DisruptionTarget matching FailJob rule at index 0", condition.Message);
    }

    [Fact]
    public async Task CreateJob_UnknownField_BadRequestNamingIt()
    {
        var json = KubernetesJson.Serialize(NewJob()).Replace("\"image\":", "\"imagee\":", StringComparison.Ordinal);
        using var http = new HttpClient();

        using var response = await http.PostAsync($"{_fake.Url}/apis/batch/v1/namespaces/{Ns}/jobs", new StringContent(json, Encoding.UTF8, "application/json"));

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        var status = KubeStrictJson.Read<V1Status>(await response.Content.ReadAsStringAsync());
        Assert.Contains("'imagee'", status.Message);
        Assert.Contains("V1Container", status.Message);
        Assert.Contains("(at $.spec.template.spec.containers[0].imagee)", status.Message);
        Assert.DoesNotContain(_fake.Requests.All, r => r.Verb == "create" && r.StatusCode == 201);
    }

    [Fact]
    public async Task ReadPodLog_WithContainer_ReturnsThatContainersLog()
    {
        var job = await _client.BatchV1.CreateNamespacedJobAsync(NewJob(), Ns);
        var podName = _fake.PodsOfJob(Ns, job.Metadata.Name).Single().Metadata.Name;
        _fake.AppendPodLog(Ns, podName, "job", "hello\n");

        await using var log = await _client.CoreV1.ReadNamespacedPodLogAsync(podName, Ns, container: "job");

        Assert.Equal("hello\n", await new StreamReader(log).ReadToEndAsync());
        Assert.Equal(1, _fake.Requests.Count("get", "pods/log"));
        Assert.Equal(1, _fake.Requests.Count("create", "jobs"));
    }

    private static V1Job NewJob() => FakeKubeTestJobs.NewJob();

    /// <summary>A clock that stands still until the test moves it.</summary>
    private sealed class SettableTime(DateTimeOffset now) : TimeProvider
    {
        public DateTimeOffset Now { get; set; } = now;

        public override DateTimeOffset GetUtcNow() => Now;
    }
}
