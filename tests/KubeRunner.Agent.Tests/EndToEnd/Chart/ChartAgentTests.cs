using System.Net;
using k8s.Models;
using KubeRunner.Agent.Tests.EndToEnd.Kubernetes;
using KubeRunner.Agent.Tests.TestSupport;
using KubeRunner.Testing;
using KubeRunner.Testing.Chart;
using KubeRunner.Testing.Docker;
using KubeRunner.Testing.FakeForge;
using KubeRunner.Testing.FakeKubernetes;
using KubeRunner.Testing.FakeKubernetes.Docker;

namespace KubeRunner.Agent.Tests.EndToEnd.Chart;

/// <summary>
/// The agent as the Helm chart deploys it: the Deployment's command and environment, config.yaml from
/// the rendered ConfigMap, the token from the rendered Secret, its registration kept in a Secret of the
/// fake API server, and a <c>heavy</c> job whose pod runs in Docker.
/// </summary>
public sealed class ChartAgentTests
{
    /// <summary>
    /// Requests this run cannot show, each with why the chart grants it: a create whose answer was lost is
    /// read back (jobs, secrets: get); an executor that ends without a result has its pod's log read; an
    /// ownerless task Secret left by a crash is deleted at start; the registration Secret is updated when
    /// the runner's labels change (a profile added by an upgrade).
    /// </summary>
    private static readonly HashSet<(string Group, string Resource, string Verb)> NotInThisRun =
    [
        ("batch", "jobs", "get"),
        ("", "secrets", "get"),
        ("", "pods/log", "get"),
        ("", "secrets", "delete"),
        ("", "secrets", "update"),
    ];

    [Fact]
    public async Task Agent_DeployedByTheChart_RegistersOnceRunsAHeavyJobAndKeepsItsIdentityWhenKilled()
    {
        await using var pods = await DockerPodRunner.StartAsync();
        await using var kube = await FakeKubeApiServer.StartAsync(new FakeKubeOptions { PodRunner = pods });
        await using var forge = await FakeForge.StartAsync();
        var image = await TestImages.EnsureAsync(TestImage.Busybox);
        var executorImage = (await ExecutorImage.EnsureAsync()).Split(':');
        var (listen, address) = await KubernetesPods.AgentAddressAsync();
        using var status = new StatusClient();
        var rendering = await ChartRender.RenderAsync(
            $"forge.url={forge.Url}", $"registration.token={forge.AddRegistrationToken()}",
            $"profiles.heavy.image={image}", $"executorImage.repository={executorImage[0]}", $"executorImage.tag={executorImage[1]}",
            $"service.executorPort={listen.Split(':')[1]}", $"service.httpPort={status.Port}", $"agentAddress={address}",
            "runner.fetchInterval=100ms", $"extraConfig.kubernetes.kubeconfig={ChartPod.ServiceAccountDirectory}/kubeconfig");
        // In a cluster the agent finds the API server through its service account; here a kubeconfig there names the fake one.
        using var pod = new ChartPod(rendering, new Dictionary<string, string> { ["kubeconfig"] = kube.Kubeconfig(ChartRender.ReleaseNamespace) });
        var job = forge.EnqueueJob(new FakeJob { WorkflowYaml = RestartJob.Workflow(6).Replace("runs-on: linux", "runs-on: heavy", StringComparison.Ordinal), RunsOn = ["heavy"] });

        long taskId;
        using (var first = pod.Start())
        {
            var running = await first.WhileRunningAsync(forge.WaitForTaskAsync(t => t.JobId == job && t.LogRows.Any(r => r.Content == RestartJob.FirstRow), TestTimeouts.Scenario));
            taskId = running.Id;
            first.KillAgentOnly();
            await first.WaitForExitAsync(TestTimeouts.Default);
        }

        var runner = Assert.Single(forge.Runners);
        var jobName = KubernetesRunner.JobName(runner.Uuid, taskId);
        var container = kube.GetJob(ChartRender.ReleaseNamespace, jobName)!.Spec.Template.Spec.Containers.Single(c => c.Name == "job");
        Assert.Equal(["16", "64Gi", "100Gi"], new[] { "cpu", "memory", "ephemeral-storage" }.Select(r => container.Resources.Requests[r].ToString()));

        // Rescheduled: a new pod with empty emptyDirs; only the cluster remembers the runner.
        pod.Schedule();
        using var second = pod.Start();
        // The probes of the Deployment, on its http port.
        var probes = pod.Container;
        Assert.Equal(200, (int)(await second.WhileRunningAsync(status.WaitAsync(probes.LivenessProbe.HttpGet.Path, a => a.Status == HttpStatusCode.OK))).Status);
        var ready = await second.WhileRunningAsync(status.WaitAsync(probes.ReadinessProbe.HttpGet.Path, a => a.Status == HttpStatusCode.OK));
        Assert.Contains("backend kubernetes: ok", ready.Body, StringComparison.Ordinal);
        var task = await second.WhileRunningAsync(forge.WaitForTaskAsync(t => t.JobId == job && t.IsDone, TestTimeouts.Scenario));
        await KubernetesRunner.WaitUntilJobGoneAsync(kube, ChartRender.ReleaseNamespace, jobName);
        second.Terminate();
        await second.WaitForExitAsync(TestTimeouts.Scenario);

        RestartJob.AssertEveryRowOnce(task, second.Out);
        Assert.Equal(runner.Uuid, Assert.Single(forge.Runners).Uuid);
        Assert.Equal(1, forge.Journal.Count(ForgeMethod.Register));
        Assert.Null(kube.GetJob(ChartRender.ReleaseNamespace, jobName));
        Assert.Contains("is registered already", second.Out, StringComparison.Ordinal);
        AssertRolesCoverExactlyTheRequests(rendering, kube);
    }

    [Fact]
    public async Task Agent_DeployedWithATokenTheForgeRefuses_StaysAliveNotReadyAndSaysWhatToDo()
    {
        await using var kube = await FakeKubeApiServer.StartAsync();
        await using var forge = await FakeForge.StartAsync();
        using var status = new StatusClient();
        var rendering = await ChartRender.RenderAsync($"forge.url={forge.Url}", "registration.token=revoked", $"service.httpPort={status.Port}",
            $"extraConfig.kubernetes.kubeconfig={ChartPod.ServiceAccountDirectory}/kubeconfig");
        using var pod = new ChartPod(rendering, new Dictionary<string, string> { ["kubeconfig"] = kube.Kubeconfig(ChartRender.ReleaseNamespace) });

        using var agent = pod.Start();
        var unready = await agent.WhileRunningAsync(status.WaitAsync("/readyz", a => a.Body.Contains("refused", StringComparison.Ordinal)));
        var alive = await agent.WhileRunningAsync(status.WaitAsync("/healthz", _ => true));
        agent.Terminate();
        Assert.Equal(0, await agent.WaitForExitAsync(TestTimeouts.Default));

        Assert.Equal(HttpStatusCode.ServiceUnavailable, unready.Status);
        Assert.Equal(HttpStatusCode.OK, alive.Status);
        var tokenFile = pod.Map("/etc/kube-runner/token/token");
        Assert.Contains($"registered: failing: {forge.Url} refused the registration token in {tokenFile}", unready.Body, StringComparison.Ordinal);
        Assert.Contains($"refused the registration token in {tokenFile}", agent.Out, StringComparison.Ordinal);
        Assert.Contains("Put a valid token there", agent.Out, StringComparison.Ordinal);
        Assert.DoesNotContain("   at ", agent.Out + agent.Error, StringComparison.Ordinal);
        Assert.Empty(forge.Runners);
        Assert.Null(kube.GetSecret(ChartRender.ReleaseNamespace, ChartRender.ReleaseName + "-runner"));
    }

    private static void AssertRolesCoverExactlyTheRequests(ChartRendering rendering, FakeKubeApiServer kube)
    {
        var serviceAccount = rendering.Objects<V1Deployment>().Single().Spec.Template.Spec.ServiceAccountName;
        var rules = new RoleRules(rendering.Objects<V1Role>(), rendering.Objects<V1RoleBinding>(), serviceAccount);
        var requests = kube.Requests.All;

        var refused = requests.Where(r => !rules.Allows(r)).Select(r => RoleRules.Of(r).ToString()).Distinct().ToList();
        Assert.True(refused.Count == 0, "requests the chart's Roles do not allow: " + string.Join("; ", refused));
        var used = requests.Select(RoleRules.Of).ToHashSet();
        var unused = rules.Granted.Where(p => !used.Contains(p) && !NotInThisRun.Contains((p.Group, p.Resource, p.Verb))).Select(p => p.ToString()).ToList();
        Assert.True(unused.Count == 0, "permissions the agent never used: " + string.Join("; ", unused));
    }
}
