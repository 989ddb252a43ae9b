using System.Runtime.CompilerServices;
using k8s;
using k8s.Models;
using KubeRunner.Agent.Backends.Kubernetes.Api;
using KubeRunner.Agent.Backends.Kubernetes.Spec;
using KubeRunner.Agent.Backends.Kubernetes.Watching;
using KubeRunner.Agent.Configuration;
using KubeRunner.Testing.FakeKubernetes;
using Microsoft.Extensions.Logging.Abstractions;

namespace KubeRunner.Agent.Tests.Backends.Kubernetes;

public sealed class NamespaceWatchTests
{
    private const string Ns = "ci";
    private const string Runner = "runner-a";

    [Fact]
    public async Task Subscribe_ManyTasks_ShareOneListAndWatchPerKindAndSeeTheirOwnJobAndPod()
    {
        await using var fake = await FakeKubeApiServer.StartAsync();
        using var api = Api(fake);
        await using var watch = new NamespaceWatch(api, Ns, Runner, TimeProvider.System, NullLogger.Instance);
        using var first = watch.Subscribe(1);
        using var second = watch.Subscribe(2);
        using var third = watch.Subscribe(3);
        await watch.Listed.WaitAsync(TimeSpan.FromSeconds(10));
        var client = fake.CreateClient();

        await client.BatchV1.CreateNamespacedJobAsync(Job(2, Runner), Ns);
        await client.BatchV1.CreateNamespacedJobAsync(Job(3, "another-runner"), Ns);
        var seen = await NextAsync(second, s => s.Pod is not null);

        Assert.Equal("task-2", seen.Job!.Name());
        Assert.Equal("task-2", seen.Pod!.Metadata.Labels["job-name"]);
        Assert.Equal(TaskSnapshot.Nothing, first.Current);
        Assert.Equal(TaskSnapshot.Nothing, third.Current);
        Assert.Equal(1, fake.Requests.Count("watch", "jobs"));
        Assert.Equal(1, fake.Requests.Count("watch", "pods"));
        Assert.Equal(1, fake.Requests.Count("list", "jobs"));
    }

    [Fact]
    public async Task Subscribe_JobDeletedByOthers_ReportsItGone()
    {
        await using var fake = await FakeKubeApiServer.StartAsync();
        using var api = Api(fake);
        await using var watch = new NamespaceWatch(api, Ns, Runner, TimeProvider.System, NullLogger.Instance);
        using var task = watch.Subscribe(7);
        await watch.Listed.WaitAsync(TimeSpan.FromSeconds(10));
        var client = fake.CreateClient();
        await client.BatchV1.CreateNamespacedJobAsync(Job(7, Runner), Ns);
        await NextAsync(task, s => s.Pod is not null);

        await client.BatchV1.DeleteNamespacedJobAsync("task-7", Ns, new V1DeleteOptions { PropagationPolicy = "Background" });
        var gone = await NextAsync(task, s => s.JobGone && s.Pod is null);

        Assert.True(gone.JobGone);
    }

    [Fact]
    public async Task Run_WatchFallsBehindTheServersHistory_ListsAgainAndReportsWhatWentMeanwhile()
    {
        var lists = 0;
        List<string> changes = [];
        var stop = new CancellationTokenSource();
        var watch = new ResourceWatch<V1Secret>("secrets in ci",
            _ =>
            {
                lists++;
                IList<V1Secret> items = lists == 1 ? [Secret("a", "1"), Secret("b", "2")] : [Secret("a", "5")];
                return Task.FromResult((items, lists == 1 ? "2" : "5"));
            },
            (version, token) => Stream(version, lists, stop, token),
            (item, deleted) => changes.Add($"{(deleted ? "deleted" : "seen")} {item.Metadata.Name}@{item.Metadata.ResourceVersion}"),
            TimeProvider.System, NullLogger.Instance);

        await watch.RunAsync(stop.Token).WaitAsync(TimeSpan.FromSeconds(10));

        Assert.Equal(2, lists);
        Assert.Equal(["seen a@1", "seen b@2", "seen a@3", "deleted b@2", "seen a@5"], changes);
    }

    // First watch: one change, then the server says the version is too old. Second: ends the test.
    private static async IAsyncEnumerable<(WatchEventType, V1Secret)> Stream(string version, int lists, CancellationTokenSource stop,
        [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        await Task.Yield();
        if (lists == 1)
        {
            Assert.Equal("2", version);
            yield return (WatchEventType.Modified, Secret("a", "3"));
            throw new KubernetesException(new V1Status { Code = 410, Reason = "Expired", Message = "too old resource version: 2 (4)" });
        }

        Assert.Equal("5", version);
        await stop.CancelAsync();
        cancellationToken.ThrowIfCancellationRequested();
    }

    private static KubernetesApi Api(FakeKubeApiServer fake)
    {
        var kubeconfig = Path.Combine(Path.GetTempPath(), $"kube-runner-test-{Guid.NewGuid():N}.kubeconfig");
        File.WriteAllText(kubeconfig, fake.Kubeconfig(Ns));
        return new KubernetesApi(new KubernetesOptions { Kubeconfig = kubeconfig }, TimeProvider.System);
    }

    private static async Task<TaskSnapshot> NextAsync(TaskWatch watch, Func<TaskSnapshot, bool> predicate)
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        while (!predicate(watch.Current))
        {
            await watch.Changes.WaitToReadAsync(timeout.Token);
            watch.Changes.TryRead(out _);
        }

        return watch.Current;
    }

    private static V1Secret Secret(string name, string version) => new() { Metadata = new V1ObjectMeta { Name = name, ResourceVersion = version } };

    private static V1Job Job(long taskId, string runner)
    {
        var labels = new Dictionary<string, string> { [KubernetesLabels.RunnerUuid] = runner, [KubernetesLabels.TaskId] = taskId.ToString(System.Globalization.CultureInfo.InvariantCulture) };
        return new V1Job
        {
            Metadata = new V1ObjectMeta { Name = $"task-{taskId}", Labels = labels },
            Spec = new V1JobSpec
            {
                BackoffLimit = 0,
                Template = new V1PodTemplateSpec
                {
                    Metadata = new V1ObjectMeta { Labels = labels },
                    Spec = new V1PodSpec { RestartPolicy = "Never", Containers = [new V1Container { Name = "job", Image = "debian:bookworm" }] },
                },
            },
        };
    }
}
