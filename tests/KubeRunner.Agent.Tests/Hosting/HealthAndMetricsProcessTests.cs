using System.Net;
using KubeRunner.Agent.Tests.Cli;
using KubeRunner.Agent.Tests.TestSupport;
using KubeRunner.Protocol.Runner.V1;
using KubeRunner.Testing;
using KubeRunner.Testing.FakeForge;

namespace KubeRunner.Agent.Tests.Hosting;

/// <summary>The real daemon process with <c>http.listen</c>: its endpoints through two jobs and a forge outage.</summary>
public sealed class HealthAndMetricsProcessTests
{
    private const string Succeeding = """
        on: push
        jobs:
          build:
            runs-on: linux
            steps:
              - run: echo building
        """;

    private const string Failing = """
        on: push
        jobs:
          build:
            runs-on: linux
            steps:
              - run: |
                  echo about to fail
                  exit 1
        """;

    [Fact]
    public async Task Daemon_JobsThenForgeOutage_EndpointsShowResultsAndTurnUnreadyNamingTheForge()
    {
        await using var forge = await FakeForge.StartAsync();
        var registered = forge.AddRunner("host-runner", ["linux"]);
        using var cli = new CliRun();
        using var status = new StatusClient();
        DaemonCommandTests.WriteRunnerFile(cli, forge.Url, registered.Uuid, registered.Token, "linux:host");
        // The readiness window is max(5s, 3 × fetch_interval + fetch_timeout): 5s here.
        cli.Write("config.yaml", $"runner:\n  fetch_interval: 200ms\n  fetch_timeout: 1s\n  report_interval: 200ms\n"
            + $"executor:\n  path: {ExecutorBuild.Path}\nhttp:\n  listen: {status.Listen}\n");
        using var agent = AgentProcess.Start(cli.Directory, "daemon", "--config", "config.yaml");

        var health = await agent.WhileRunningAsync(status.WaitAsync("/healthz", a => a.Status == HttpStatusCode.OK));
        var ready = await agent.WhileRunningAsync(status.WaitAsync("/readyz", a => a.Status == HttpStatusCode.OK));
        var succeeded = await RunAsync(agent, forge, Succeeding);
        var failed = await RunAsync(agent, forge, Failing);
        // The executors detach, and the tasks end, once the forge has everything: just after the tasks count as done there.
        var after = await agent.WhileRunningAsync(status.WaitAsync("/metrics", a =>
            StatusClient.Sample(a.Body, "kube_runner_executor_connections") == 0 && StatusClient.Sample(a.Body, "kube_runner_tasks_running") == 0));

        Assert.Equal("ok\n", health.Body);
        Assert.Equal("registered: ok\nforge: ok\nbackend host: ok\n", ready.Body);
        Assert.True(succeeded.Result == Result.Success, succeeded.Text());
        Assert.True(failed.Result == Result.Failure, failed.Text());
        Assert.Equal("text/plain; version=0.0.4; charset=utf-8", after.ContentType);
        var metrics = after.Body;
        Assert.Equal(1, StatusClient.Sample(metrics, "kube_runner_tasks_finished_total{result=\"success\"}"));
        Assert.Equal(1, StatusClient.Sample(metrics, "kube_runner_tasks_finished_total{result=\"failure\"}"));
        Assert.Equal(2, StatusClient.Sample(metrics, "kube_runner_tasks_received_total"));
        Assert.True(StatusClient.Sample(metrics, "kube_runner_log_rows_sent_total") >= succeeded.LogRows.Count + failed.LogRows.Count, metrics);
        Assert.True(StatusClient.Sample(metrics, "kube_runner_log_bytes_sent_total") > 0, metrics);
        Assert.True(StatusClient.Sample(metrics, "kube_runner_fetch_duration_seconds_count") > 0, metrics);
        Assert.Equal(2, StatusClient.Sample(metrics, "kube_runner_backend_operations_total{backend=\"host\",operation=\"create\"}"));
        Assert.Contains("# TYPE kube_runner_fetch_duration_seconds histogram\n", metrics, StringComparison.Ordinal);
        Assert.Contains("kube_runner_fetch_duration_seconds_bucket{le=\"+Inf\"} ", metrics, StringComparison.Ordinal);
        // A line the daemon logged while the failing task ran carries its id as a scope.
        Assert.Contains(agent.Out.Split('\n'), line => line.Contains($"=> TaskId:{failed.Id} ", StringComparison.Ordinal)
            && line.Contains($"Task {failed.Id} finished", StringComparison.Ordinal));

        var errorsBefore = StatusClient.Sample(metrics, "kube_runner_fetch_errors_total{kind=\"transient\"}");
        forge.Faults.FailRandomly(ForgeMethod.FetchTask, 1.0, seed: 7);
        var unready = await agent.WhileRunningAsync(status.WaitAsync("/readyz", a => a.Status == HttpStatusCode.ServiceUnavailable, TestTimeouts.Default));
        var errorsAfter = StatusClient.Sample((await status.GetAsync("/metrics")).Body, "kube_runner_fetch_errors_total{kind=\"transient\"}");
        var stillAlive = await status.GetAsync("/healthz");
        agent.Terminate();
        Assert.Equal(0, await agent.WaitForExitAsync(TestTimeouts.Scenario));

        var lines = unready.Body.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal(["registered: ok", "backend host: ok"], lines.Where(l => !l.StartsWith("forge: ", StringComparison.Ordinal)));
        Assert.StartsWith("forge: failing: no request to the forge succeeded for ", Assert.Single(lines, l => l.StartsWith("forge: ", StringComparison.Ordinal)), StringComparison.Ordinal);
        Assert.Contains("(allowed: 5s); last error: ", unready.Body, StringComparison.Ordinal);
        Assert.Contains("injected failure", unready.Body, StringComparison.Ordinal);
        Assert.True(errorsAfter > errorsBefore, $"fetch errors: {errorsBefore} before the outage, {errorsAfter} during it");
        Assert.Equal(HttpStatusCode.OK, stillAlive.Status);
    }

    private static async Task<FakeTask> RunAsync(AgentProcess agent, FakeForge forge, string workflow)
    {
        var job = forge.EnqueueJob(new FakeJob { WorkflowYaml = workflow, RunsOn = ["linux"] });
        return await agent.WhileRunningAsync(forge.WaitForTaskAsync(t => t.JobId == job && t.IsDone, TestTimeouts.Scenario));
    }
}
