using KubeRunner.Testing;
using KubeRunner.Testing.FakeForge;
using KubeRunner.Testing.FakeKubernetes;

namespace KubeRunner.Agent.Tests.TestSupport;

/// <summary>
/// A <see cref="HostRunner"/> whose one label is <c>linux:kubernetes</c>, reaching a fake Kubernetes API
/// server through a kubeconfig file as it would reach a cluster. Its profile <c>linux</c> is given by the
/// test; the Jobs go to namespace <see cref="Namespace"/>.
/// </summary>
internal static class KubernetesRunner
{
    public const string Namespace = "ci";

    /// <param name="profile">Keys of the <c>linux</c> profile, each line indented by six spaces.</param>
    /// <param name="agentAddress">What job pods dial (kubernetes.agent_address); pods that never run may be given any URL.</param>
    /// <param name="kubernetesConfig">Keys added to the <c>kubernetes</c> section, each line indented by two spaces.</param>
    /// <param name="executorConfig">Keys added to the <c>executor</c> section, each line indented by two spaces.</param>
    /// <param name="extraConfig">Sections appended after <c>kubernetes</c>, e.g. <c>http</c>.</param>
    public static async Task<HostRunner> StartAsync(FakeKubeApiServer kube, string profile, string agentAddress = "http://kube-runner.ci.svc:8081",
        string kubernetesConfig = "", string executorConfig = "", FakeForgeOptions? forgeOptions = null, string extraConfig = "")
    {
        var kubeconfig = Path.Combine(Path.GetTempPath(), $"kube-runner-test-{Guid.NewGuid():N}.kubeconfig");
        await File.WriteAllTextAsync(kubeconfig, kube.Kubeconfig(Namespace));
        return await HostRunner.StartWithLabelAsync("linux:kubernetes", executorConfig,
            $"kubernetes:\n  kubeconfig: {kubeconfig}\n  namespace: {Namespace}\n  agent_address: {agentAddress}\n" + kubernetesConfig
            + "  profiles:\n    linux:\n" + profile + extraConfig, forgeOptions: forgeOptions);
    }

    /// <summary>The name of a task's Job and Secret, as the backend makes it.</summary>
    public static string JobName(string runnerUuid, long taskId) => KubeRunner.Agent.Backends.Kubernetes.Spec.KubernetesNames.TaskObjects(taskId, runnerUuid);

    /// <summary>Waits until the Job is gone (the agent deletes it once its task is reported), at most <see cref="TestTimeouts.Default"/>.</summary>
    public static async Task WaitUntilJobGoneAsync(FakeKubeApiServer kube, string ns, string job)
    {
        var deadline = DateTime.UtcNow + TestTimeouts.Default;
        while (kube.GetJob(ns, job) is not null && DateTime.UtcNow < deadline)
        {
            await Task.Delay(TimeSpan.FromMilliseconds(200));
        }
    }

    /// <summary>Waits until the Job of the runner's next task has a pod, and returns the pod's name.</summary>
    public static async Task<(string Job, string Pod)> PodAsync(FakeKubeApiServer kube, string runnerUuid, long taskId)
    {
        var job = JobName(runnerUuid, taskId);
        var deadline = DateTime.UtcNow + TestTimeouts.Scenario;
        while (DateTime.UtcNow < deadline)
        {
            if (kube.PodsOfJob(Namespace, job) is [.., var pod])
            {
                return (job, pod.Metadata.Name);
            }

            await Task.Delay(TimeSpan.FromMilliseconds(50));
        }

        throw new TimeoutException($"no pod of Job {job} within {TestTimeouts.Scenario}");
    }
}
