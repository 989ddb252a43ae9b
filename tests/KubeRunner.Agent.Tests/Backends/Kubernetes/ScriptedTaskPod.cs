using k8s;
using k8s.Models;
using KubeRunner.Agent.Backends.Docker.Spec;
using KubeRunner.Agent.Backends.Kubernetes.Spec;
using KubeRunner.Agent.Backends.Kubernetes.Watching;
using KubeRunner.Agent.Configuration;
using KubeRunner.Testing.FakeKubernetes;
using Microsoft.Extensions.Time.Testing;

namespace KubeRunner.Agent.Tests.Backends.Kubernetes;

/// <summary>
/// A task's Job made by <see cref="KubernetesJobBuilder"/> (heavy profile: 64Gi memory, 100Gi
/// ephemeral storage, a <c>db</c> service), created through KubernetesClient in the fake API server,
/// its pod scripted there and read back for <see cref="PodDiagnosis"/>.
/// </summary>
internal sealed class ScriptedTaskPod : IAsyncDisposable
{
    public const string Ns = "kube-runner";
    public const string JobImage = "registry.gitlab.com/seaspots/tools/seaspots-s57-utils:1.11.0";
    public const string ExecutorImage = "registry.example/kube-runner-executor:1";
    public static readonly TimeSpan Wait = TimeSpan.FromMinutes(10);

    public static readonly KubernetesProfile Heavy = new()
    {
        ExecutorImage = ExecutorImage,
        Requests = KubernetesProfile.Empty.SetItems([new("cpu", "16"), new("memory", "64Gi"), new("ephemeral-storage", "100Gi")]),
    };

    private ScriptedTaskPod(FakeKubeApiServer server, k8s.Kubernetes client, FakeTimeProvider time, string jobName, string podName)
    {
        Server = server;
        Client = client;
        Time = time;
        JobName = jobName;
        PodName = podName;
    }

    public FakeKubeApiServer Server { get; }

    public k8s.Kubernetes Client { get; }

    public FakeTimeProvider Time { get; }

    public string JobName { get; }

    public string PodName { get; }

    public static async Task<ScriptedTaskPod> StartAsync(KubernetesProfile? profile = null)
    {
        var time = new FakeTimeProvider(new DateTimeOffset(2025, 6, 2, 9, 30, 0, TimeSpan.Zero));
        var server = await FakeKubeApiServer.StartAsync(new FakeKubeOptions { TimeProvider = time });
        var client = server.CreateClient();
        var request = new KubernetesJobRequest(profile ?? Heavy, "heavy", Ns, "0b6e4c5a-1d2f-4a8e-9c3b-7e5d6f4a3b2c", 42, "seaspots/tools", "17", "build",
            WorkflowContainer.None with { Image = JobImage }, [WorkflowContainer.None with { ServiceId = "db", Image = "postgres:16" }],
            TimeSpan.FromHours(3), TimeSpan.FromMinutes(15), "http://kube-runner.kube-runner.svc:8081", "executor-token", []);
        var job = await client.BatchV1.CreateNamespacedJobAsync(KubernetesJobBuilder.Build(request).Job, Ns);
        var pod = Assert.Single(server.PodsOfJob(Ns, job.Metadata.Name));
        return new ScriptedTaskPod(server, client, time, job.Metadata.Name, pod.Metadata.Name);
    }

    /// <summary>The pod and Job as the API serves them now (the pod null once deleted), diagnosed at the fake clock's time.</summary>
    public async Task<PodVerdict> DiagnoseAsync()
    {
        var (pod, job) = await ReadAsync();
        return PodDiagnosis.Diagnose(pod, job, Time.GetUtcNow(), Wait);
    }

    public async Task<(V1Pod? Pod, V1Job Job)> ReadAsync()
    {
        var pods = await Client.CoreV1.ListNamespacedPodAsync(Ns, labelSelector: $"batch.kubernetes.io/job-name={JobName}");
        var job = await Client.BatchV1.ReadNamespacedJobAsync(JobName, Ns);
        return (pods.Items.SingleOrDefault(), job);
    }

    /// <summary>Sets an init container's state on the scheduled pod (the fake's SetWaiting and SetTerminated script main containers).</summary>
    public void SetInit(string container, V1ContainerState state, bool started = false, int restarts = 0, V1ContainerState? last = null) =>
        Server.UpdatePodStatus(Ns, PodName, status =>
        {
            // A container only starts on a node: the pod is scheduled.
            status.Conditions = [.. (status.Conditions ?? []).Where(c => c.Type != "PodScheduled"), new V1PodCondition { Type = "PodScheduled", Status = "True" }];

            status.InitContainerStatuses = [.. (status.InitContainerStatuses ?? []).Where(c => c.Name != container)];
            status.InitContainerStatuses.Add(new V1ContainerStatus
            {
                Name = container, Image = "", ImageID = "", Ready = false, Started = started, RestartCount = restarts, State = state, LastState = last,
            });
        });

    public static V1ContainerState Waiting(string reason, string? message = null) => new() { Waiting = new V1ContainerStateWaiting { Reason = reason, Message = message } };

    public static V1ContainerState Running() => new() { Running = new V1ContainerStateRunning() };

    public static V1ContainerState Terminated(int exitCode, string reason, string? message = null) =>
        new() { Terminated = new V1ContainerStateTerminated { ExitCode = exitCode, Reason = reason, Message = message } };

    public async ValueTask DisposeAsync()
    {
        Client.Dispose();
        await Server.DisposeAsync();
    }
}
