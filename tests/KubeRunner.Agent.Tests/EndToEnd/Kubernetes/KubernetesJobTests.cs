using KubeRunner.Agent.Tests.TestSupport;
using KubeRunner.Protocol.Runner.V1;
using KubeRunner.Testing;
using KubeRunner.Testing.Docker;

namespace KubeRunner.Agent.Tests.EndToEnd.Kubernetes;

/// <summary>
/// Jobs of a <c>name:kubernetes</c> label through the fake forge and the fake Kubernetes API server,
/// whose pods run in Docker: the executor copied in by the init container runs the steps in the job's image.
/// </summary>
public sealed class KubernetesJobTests
{
    private const string HeavyProfile = """
              cpu: "16"
              memory: 64Gi
              ephemeral_storage: 100Gi

        """;

    [Fact]
    public async Task Job_HeavyProfile_RunsStepsInTheJobImageWithRequestsInTheJob()
    {
        await using var cluster = await KubernetesPods.StartAsync(TestImage.Debian, HeavyProfile);
        var job = cluster.Runner.Enqueue("""
            on: push
            jobs:
              build:
                runs-on: linux
                outputs:
                  distro: ${{ steps.look.outputs.distro }}
                steps:
                  - id: look
                    run: |
                      . /etc/os-release
                      echo "running on $ID in $PWD"
                      echo "distro=$ID" >> "$GITHUB_OUTPUT"
                  - run: echo "bash is $BASH_VERSION" | cut -c1-9
            """);
        var started = await cluster.Runner.Forge.WaitForTaskAsync(t => t.JobId == job, TestTimeouts.Scenario);
        var (jobName, podName) = await KubernetesRunner.PodAsync(cluster.Kube, cluster.Runner.RunnerUuid, started.Id);
        var created = cluster.Kube.GetJob(KubernetesRunner.Namespace, jobName)!;
        var pod = cluster.Kube.GetPod(KubernetesRunner.Namespace, podName)!;

        var task = await cluster.Runner.WaitDoneAsync(job);

        var rows = task.LogRows.Select(r => r.Content).ToList();
        Assert.True(task.Result == Result.Success, cluster.Runner.Explain(task));
        Assert.Contains("running on debian in /workspace/owner/repo", rows);
        Assert.Contains("bash is 5", rows);
        Assert.Equal("debian", task.Outputs["distro"]);
        Assert.Contains(rows, r => r.StartsWith($"Running the job as Kubernetes Job {KubernetesRunner.Namespace}/{jobName} with {cluster.Image}", StringComparison.Ordinal)
            && r.Contains("cpu 16, ephemeral-storage 100Gi, memory 64Gi", StringComparison.Ordinal));
        var requests = created.Spec.Template.Spec.Containers.Single(c => c.Name == "job").Resources.Requests;
        Assert.Equal(("16", "64Gi", "100Gi"), (requests["cpu"].ToString(), requests["memory"].ToString(), requests["ephemeral-storage"].ToString()));
        // The executor came from the executor image, through the init container, into the job's image.
        var init = Assert.Single(pod.Spec.InitContainers);
        Assert.Equal((await ExecutorImage.EnsureAsync(), "executor"), (init.Image, init.Name));
        Assert.Equal(["/__kube-runner/kube-runner-executor"], pod.Spec.Containers.Single(c => c.Name == "job").Command);
        await AssertCleanedUpAsync(cluster, jobName);
    }

    [Fact]
    public async Task Job_WithServiceSidecar_ReachesItByItsIdOnLocalhost()
    {
        await using var cluster = await KubernetesPods.StartAsync(TestImage.Busybox);
        var busybox = cluster.Image;
        var task = await cluster.Runner.RunAsync($$"""
            on: push
            jobs:
              build:
                runs-on: linux
                services:
                  web:
                    image: {{busybox}}
                    env:
                      GREETING: hello from the sidecar
                    cmd: [sh, -c, 'mkdir -p /www && echo "$GREETING" > /www/index.html && exec httpd -f -p 8080 -h /www']
                steps:
                  - run: |
                      for i in $(seq 1 50); do wget -q -O - http://web:8080/ && exit 0; sleep 0.2; done
                      exit 1
            """);

        Assert.True(task.Result == Result.Success, cluster.Runner.Explain(task));
        Assert.Contains("hello from the sidecar", task.LogRows.Select(r => r.Content));
        await AssertCleanedUpAsync(cluster, KubernetesRunner.JobName(cluster.Runner.RunnerUuid, task.Id));
    }

    [Fact]
    public async Task Job_ProfileRunsAsNonRootUser_ExecutorReadsItsTokenAndRunsTheSteps()
    {
        await using var cluster = await KubernetesPods.StartAsync(TestImage.Busybox, "      security_context:\n        runAsUser: 1000\n        runAsGroup: 1000\n");
        var task = await cluster.Runner.RunAsync("""
            on: push
            jobs:
              build:
                runs-on: linux
                steps:
                  - run: echo "uid $(id -u)" && touch "$RUNNER_TEMP/x" && echo wrote
            """);

        Assert.True(task.Result == Result.Success, cluster.Runner.Explain(task));
        Assert.Contains("uid 1000", task.LogRows.Select(r => r.Content));
        Assert.Contains("wrote", task.LogRows.Select(r => r.Content));
    }

    [Fact]
    public async Task Job_CancelledMidStep_EndsCancelledAndItsJobAndPodGoWithin10Seconds()
    {
        await using var cluster = await KubernetesPods.StartAsync(TestImage.Busybox);
        var running = await cluster.Runner.StartUntilRowAsync("""
            on: push
            jobs:
              build:
                runs-on: linux
                steps:
                  - run: |
                      echo started
                      sleep 300
            """, "started");

        var cancelledAt = DateTime.UtcNow;
        cluster.Runner.Forge.CancelTask(running.Id);
        var task = await cluster.Runner.WaitDoneAsync(running.JobId);

        Assert.True(task.Result == Result.Cancelled, cluster.Runner.Explain(task));
        await AssertCleanedUpAsync(cluster, KubernetesRunner.JobName(cluster.Runner.RunnerUuid, task.Id));
        Assert.True(DateTime.UtcNow - cancelledAt < TimeSpan.FromSeconds(10) + TestTimeouts.Default,
            $"the Job was removed {DateTime.UtcNow - cancelledAt} after the cancel");
    }

    /// <summary>The Job, its pod and Secret are deleted, and the pod's containers are gone from Docker.</summary>
    internal static async Task AssertCleanedUpAsync(KubernetesPods cluster, string jobName)
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(10);
        while (DateTime.UtcNow < deadline && (cluster.Kube.GetJob(KubernetesRunner.Namespace, jobName) is not null
            || cluster.Kube.PodsOfJob(KubernetesRunner.Namespace, jobName).Count > 0 || (await cluster.LeftoversAsync()).Count > 0))
        {
            await Task.Delay(TimeSpan.FromMilliseconds(200));
        }

        Assert.True(cluster.Kube.GetJob(KubernetesRunner.Namespace, jobName) is null, $"Job {jobName} is still there\n--- daemon:\n{cluster.Runner.DaemonLog()}");
        Assert.Empty(cluster.Kube.PodsOfJob(KubernetesRunner.Namespace, jobName));
        Assert.Null(cluster.Kube.GetSecret(KubernetesRunner.Namespace, jobName));
        Assert.Empty(await cluster.LeftoversAsync());
    }
}
