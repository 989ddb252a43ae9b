using KubeRunner.Agent.Tests.TestSupport;
using KubeRunner.Protocol.Runner.V1;
using KubeRunner.Testing.Docker;

namespace KubeRunner.Agent.Tests.EndToEnd.Kubernetes;

/// <summary>What a job costs the API server: a fixed number of requests, whatever the job does or how long it runs.</summary>
public sealed class KubernetesApiBudgetTests
{
    /// <summary>The README states this number: create Secret, create Job, own Secret, annotate Job, delete Job.</summary>
    public const int RequestsPerJob = 5;

    [Fact]
    public async Task Jobs_ShortAndLong_EachCostTheSameFixedRequestsAndShareOneWatchPerKind()
    {
        await using var cluster = await KubernetesPods.StartAsync(TestImage.Busybox);
        var shortJob = await cluster.Runner.RunAsync(Workflow("echo quick"));
        await KubernetesJobTests.AssertCleanedUpAsync(cluster, KubernetesRunner.JobName(cluster.Runner.RunnerUuid, shortJob.Id));
        var sharedAfterFirst = Shared(cluster);
        var longJob = await cluster.Runner.RunAsync(Workflow("for i in $(seq 1 8); do echo \"tick $i\"; sleep 1; done"));
        Assert.True(shortJob.Result == Result.Success, cluster.Runner.Explain(shortJob));
        Assert.True(longJob.Result == Result.Success, cluster.Runner.Explain(longJob));
        await KubernetesJobTests.AssertCleanedUpAsync(cluster, KubernetesRunner.JobName(cluster.Runner.RunnerUuid, longJob.Id));

        string[] expected = ["create secrets", "create jobs", "patch secrets", "patch jobs", "delete jobs"];
        Assert.Equal(expected, PerJob(cluster, shortJob.Id));
        Assert.Equal(expected, PerJob(cluster, longJob.Id));
        Assert.Equal(RequestsPerJob, expected.Length);
        // Everything else is namespace-wide: the start's look for leftovers and the shared list and
        // watch of Jobs and pods, which the second job did not add to.
        var shared = Shared(cluster);
        Assert.Equal(sharedAfterFirst, shared);
        Assert.Equal(["list jobs", "list jobs", "list pods", "list secrets", "watch jobs", "watch pods"], shared.Order(StringComparer.Ordinal));
    }

    private static string[] PerJob(KubernetesPods cluster, long taskId) =>
        [.. cluster.Kube.Requests.All.Where(r => r.Name == KubernetesRunner.JobName(cluster.Runner.RunnerUuid, taskId)).Select(r => $"{r.Verb} {r.Resource}")];

    private static string[] Shared(KubernetesPods cluster) =>
        [.. cluster.Kube.Requests.All.Where(r => r.Name is null).Select(r => $"{r.Verb} {r.Resource}")];

    private static string Workflow(string script) => $$"""
        on: push
        jobs:
          build:
            runs-on: linux
            steps:
              - run: {{script}}
        """;
}
