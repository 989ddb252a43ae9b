using System.Net;
using k8s.Models;

namespace KubeRunner.Testing.FakeKubernetes.Docker;

/// <summary>
/// Writes one pod's status through <see cref="FakeKubeApiServer.UpdatePodStatus"/> as the kubelet would,
/// one update per change so that watchers see each step. Every method answers false once the pod is
/// gone: a pod deleted while its containers ran is not an error.
/// </summary>
internal sealed class PodStatusReporter(FakeKubeApiServer server, V1Pod pod)
{
    private string Ns => pod.Metadata.NamespaceProperty;

    private string Name => pod.Metadata.Name;

    public bool Update(Action<V1PodStatus> change)
    {
        try
        {
            server.UpdatePodStatus(Ns, Name, change);
            return true;
        }
        catch (KubeApiException e) when (e.Code == HttpStatusCode.NotFound)
        {
            return false;
        }
    }

    /// <summary>Scheduled on the one "node": init containers and containers wait for their turn.</summary>
    public bool Scheduled() => Update(status =>
    {
        status.Phase = "Pending";
        status.HostIP = "127.0.0.1";
        status.StartTime ??= Now();
        SetCondition(status, "PodScheduled", "True");
        var initializing = pod.Spec.InitContainers is { Count: > 0 };
        SetCondition(status, "Initialized", initializing ? "False" : "True", initializing ? "ContainersNotInitialized" : null);
        SetCondition(status, "Ready", "False", "ContainersNotReady");
        foreach (var init in pod.Spec.InitContainers ?? [])
        {
            Entry(status, init, init: true).State = Waiting("PodInitializing", null);
        }

        foreach (var container in pod.Spec.Containers)
        {
            Entry(status, container, init: false).State = Waiting(initializing ? "PodInitializing" : "ContainerCreating", null);
        }
    });

    public bool PodIp(string ip) => Update(status =>
    {
        status.PodIP = ip;
        status.PodIPs = [new V1PodIP { Ip = ip }];
    });

    public bool Waiting(V1Container container, bool init, string reason, string? message) => Update(status =>
    {
        status.Phase = "Pending";
        Entry(status, container, init).State = Waiting(reason, message);
    });

    public bool Running(V1Container container, bool init, string containerId) => Update(status =>
    {
        var entry = Entry(status, container, init);
        entry.ContainerID = "docker://" + containerId;
        entry.State = new V1ContainerState { Running = new V1ContainerStateRunning { StartedAt = Now() } };
        entry.Started = true;
        // A native sidecar counts as ready once started (it has no probes here); a plain init container never is.
        entry.Ready = !init || container.RestartPolicy == "Always";
    });

    public bool Initialized() => Update(status => SetCondition(status, "Initialized", "True"));

    /// <summary>Every container started: the pod runs.</summary>
    public bool PodRunning() => Update(status =>
    {
        status.Phase = "Running";
        SetCondition(status, "ContainersReady", "True");
        SetCondition(status, "Ready", "True");
    });

    /// <summary>
    /// Containers ended; when <paramref name="podPhase"/> is given this is the last change and the pod
    /// settles in it (the Job controller reacts to that update).
    /// </summary>
    public bool Terminated(IEnumerable<(V1Container Container, bool Init, DockerContainerState State)> ended, string? podPhase) => Update(status =>
    {
        foreach (var (container, init, state) in ended)
        {
            var entry = Entry(status, container, init);
            var startedAt = entry.State?.Running?.StartedAt;
            entry.State = new V1ContainerState
            {
                Terminated = new V1ContainerStateTerminated
                {
                    ExitCode = state.ExitCode,
                    Reason = state.Reason,
                    Message = state.Error is { Length: > 0 } error ? error : null,
                    StartedAt = startedAt,
                    FinishedAt = Now(),
                    ContainerID = entry.ContainerID,
                },
            };
            entry.Ready = false;
            entry.Started = false;
        }

        if (podPhase is not null)
        {
            status.Phase = podPhase;
            SetCondition(status, "ContainersReady", "False", "PodCompleted");
            SetCondition(status, "Ready", "False", "PodCompleted");
        }
    });

    /// <summary>An init container failed: the pod fails uninitialised and its containers never start.</summary>
    public bool InitFailed(V1Container init, DockerContainerState state, IEnumerable<(V1Container Container, DockerContainerState State)> sidecars) =>
        Terminated([(init, true, state), .. sidecars.Select(s => (s.Container, true, s.State))], null) && Update(status =>
        {
            status.Phase = "Failed";
            SetCondition(status, "Initialized", "False", "ContainersNotInitialized", $"containers with incomplete status: [{init.Name}]");
            SetCondition(status, "Ready", "False", "PodCompleted");
        });

    /// <summary>The runner itself failed to run the pod: it ends Failed with the reason, instead of staying Pending.</summary>
    public bool Failed(string reason, string message) => Update(status =>
    {
        status.Phase = "Failed";
        status.Reason = reason;
        status.Message = message;
        SetCondition(status, "Ready", "False", "PodFailed", message);
    });

    private static V1ContainerState Waiting(string reason, string? message) =>
        new() { Waiting = new V1ContainerStateWaiting { Reason = reason, Message = message } };

    private static V1ContainerStatus Entry(V1PodStatus status, V1Container container, bool init)
    {
        var list = init ? status.InitContainerStatuses ??= [] : status.ContainerStatuses ??= [];
        var entry = list.FirstOrDefault(c => c.Name == container.Name);
        if (entry is null)
        {
            entry = new V1ContainerStatus { Name = container.Name, Image = container.Image, ImageID = "", Ready = false, RestartCount = 0, Started = false };
            list.Add(entry);
        }

        return entry;
    }

    private void SetCondition(V1PodStatus status, string type, string value, string? reason = null, string? message = null)
    {
        status.Conditions ??= [];
        var existing = status.Conditions.FirstOrDefault(c => c.Type == type);
        if (existing is not null && existing.Status == value && existing.Reason == reason)
        {
            return;
        }

        status.Conditions.Remove(existing!);
        status.Conditions.Add(new V1PodCondition { Type = type, Status = value, Reason = reason, Message = message, LastTransitionTime = Now() });
    }

    // Kubernetes times have second precision.
    private DateTime Now()
    {
        var now = server.Options.TimeProvider.GetUtcNow().UtcDateTime;
        return now.AddTicks(-(now.Ticks % TimeSpan.TicksPerSecond));
    }
}
