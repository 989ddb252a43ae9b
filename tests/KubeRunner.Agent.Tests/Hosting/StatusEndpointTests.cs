using System.Net;
using KubeRunner.Agent.Tests.Cli;
using KubeRunner.Agent.Tests.EndToEnd.Kubernetes;
using KubeRunner.Agent.Tests.TestSupport;
using KubeRunner.Protocol.Runner.V1;
using KubeRunner.Testing;
using KubeRunner.Testing.FakeForge;
using KubeRunner.Testing.FakeKubernetes;

namespace KubeRunner.Agent.Tests.Hosting;

/// <summary>Daemons in this process with <c>http.listen</c>: readiness before registration, and what the Kubernetes backend reports.</summary>
public sealed class StatusEndpointTests
{
    [Fact]
    public async Task Readyz_ForgeRejectsDeclareForNow_AliveAndNotReadyNamingRegistrationUntilItWorks()
    {
        await using var forge = await FakeForge.StartAsync();
        var runner = forge.AddRunner("vm", ["linux"]);
        forge.Faults.FailRandomly(ForgeMethod.Declare, 1.0, seed: 3, message: "forge starting up");
        using var cli = new CliRun();
        using var status = new StatusClient();
        DaemonCommandTests.WriteRunnerFile(cli, forge.Url, runner.Uuid, runner.Token, "linux:host");
        cli.Write("config.yaml", $"runner:\n  fetch_interval: 100ms\nhttp:\n  listen: {status.Listen}\n");
        using var stop = new CancellationTokenSource();
        var daemon = cli.RunAsync(stop.Token, "daemon", "-c", "config.yaml");

        var waiting = await status.WaitAsync("/readyz", a => a.Body.Contains("retrying", StringComparison.Ordinal), TestTimeouts.Default);
        var alive = await status.GetAsync("/healthz");
        forge.Faults.Reset();
        var ready = await status.WaitAsync("/readyz", a => a.Status == HttpStatusCode.OK, TestTimeouts.Default);
        await stop.CancelAsync();
        Assert.Equal(0, await daemon.WaitAsync(TestTimeouts.Default));

        Assert.Equal(HttpStatusCode.OK, alive.Status);
        Assert.Equal(HttpStatusCode.ServiceUnavailable, waiting.Status);
        Assert.Equal("text/plain; charset=utf-8", waiting.ContentType);
        var lines = waiting.Body.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal(3, lines.Length);
        Assert.StartsWith($"registered: failing: declaring the runner to {forge.Url} failed, retrying: ", lines[0], StringComparison.Ordinal);
        Assert.Contains("forge starting up", lines[0], StringComparison.Ordinal);
        Assert.StartsWith("forge: failing: no request to the forge has succeeded yet; last error: ", lines[1], StringComparison.Ordinal);
        Assert.Equal("backend host: ok", lines[2]);
        Assert.Equal("registered: ok\nforge: ok\nbackend host: ok\n", ready.Body);
    }

    [Fact]
    public async Task Metrics_KubernetesPodCannotPullItsImage_CountsTheFailureByKubernetesName()
    {
        using var status = new StatusClient();
        await using var task = await ScriptedKubernetesTask.StartAsync(extraConfig: $"http:\n  listen: {status.Listen}\n");
        await task.PodAsync();
        task.Kube.SetWaiting(ScriptedKubernetesTask.Ns, task.Pod, "job", "ErrImagePull", "not found");

        var done = await task.DoneAsync();
        var deleted = await task.JobDeletedAsync();
        var metrics = await status.WaitForMetricAsync("kube_runner_backend_operations_total{backend=\"kubernetes\",operation=\"delete\"}", v => v == 1);
        var ready = await status.GetAsync("/readyz");

        Assert.True(done.Result == Result.Failure, task.Runner.Explain(done));
        Assert.True(deleted, task.Runner.Explain(done));
        Assert.Equal(1, StatusClient.Sample(metrics.Body, "kube_runner_backend_failures_total{backend=\"kubernetes\",reason=\"ErrImagePull\"}"));
        Assert.Equal(1, StatusClient.Sample(metrics.Body, "kube_runner_backend_operations_total{backend=\"kubernetes\",operation=\"create\"}"));
        Assert.Equal(1, StatusClient.Sample(metrics.Body, "kube_runner_tasks_finished_total{result=\"failure\"}"));
        Assert.Equal("registered: ok\nforge: ok\nbackend kubernetes: ok\n", ready.Body);
    }

    [Fact]
    public async Task Readyz_KubernetesApiServerUnreachable_NotReadyNamingTheBackend()
    {
        // A server that was there and is gone: its port refuses connections.
        var kube = await FakeKubeApiServer.StartAsync();
        await kube.DisposeAsync();
        using var status = new StatusClient();
        await using var runner = await KubernetesRunner.StartAsync(kube, "      image: busybox\n", extraConfig: $"http:\n  listen: {status.Listen}\n");

        var unready = await status.WaitAsync("/readyz", a => a.Body.Contains("backend kubernetes: failing", StringComparison.Ordinal), TestTimeouts.Default);

        Assert.Equal(HttpStatusCode.ServiceUnavailable, unready.Status);
        Assert.Contains($"backend kubernetes: failing: the API server could not be reached: {kube.Url.TrimEnd('/')}: ", unready.Body, StringComparison.Ordinal);
    }
}
