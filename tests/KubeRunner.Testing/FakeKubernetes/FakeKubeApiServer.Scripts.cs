using k8s.Models;

namespace KubeRunner.Testing.FakeKubernetes;

/// <summary>The test API: drive pods through the states a kubelet and scheduler would report, and add events.</summary>
public sealed partial class FakeKubeApiServer
{
    /// <summary>The pods the Job controller made for <paramref name="jobName"/>, oldest first.</summary>
    public IReadOnlyList<V1Pod> PodsOfJob(string ns, string jobName) =>
        Store.List(KubeResource.Pods, ns, p => p.Metadata.Labels is { } labels && labels.TryGetValue(JobController.JobNameLabel, out var owner) && owner == jobName)
            .Items.Cast<V1Pod>().OrderBy(p => long.Parse(p.Metadata.ResourceVersion, System.Globalization.CultureInfo.InvariantCulture)).ToList();

    public V1Job? GetJob(string ns, string name) => Store.Get<V1Job>(KubeResource.Jobs, ns, name);

    public V1Pod? GetPod(string ns, string name) => Store.Get<V1Pod>(KubeResource.Pods, ns, name);

    public V1Secret? GetSecret(string ns, string name) => Store.Get<V1Secret>(KubeResource.Secrets, ns, name);

    /// <summary>Changes a pod's status (MODIFIED to watchers) and lets the Job controller react to a finished pod.</summary>
    public V1Pod UpdatePodStatus(string ns, string podName, Action<V1PodStatus> change)
    {
        var pod = Store.Update<V1Pod>(KubeResource.Pods, ns, podName, p => change(p.Status ??= new V1PodStatus()));
        Jobs.PodChanged(pod);
        return pod;
    }

    public void AppendPodLog(string ns, string podName, string container, string text) => _logs.Append(ns, podName, container, text);

    /// <summary>The scheduler found no node: PodScheduled=False, reason Unschedulable, with its message.</summary>
    public V1Pod SetUnschedulable(string ns, string podName, string message) => UpdatePodStatus(ns, podName, status =>
    {
        status.Phase = "Pending";
        SetCondition(status, "PodScheduled", "False", "Unschedulable", message);
    });

    /// <summary>A container waits, e.g. ErrImagePull, ImagePullBackOff, InvalidImageName, CreateContainerConfigError, ContainerCreating.</summary>
    public V1Pod SetWaiting(string ns, string podName, string container, string reason, string? message = null) => UpdatePodStatus(ns, podName, status =>
    {
        status.Phase = "Pending";
        SetCondition(status, "PodScheduled", "True", null, null);
        ContainerStatus(status, ns, podName, container).State = new V1ContainerState { Waiting = new V1ContainerStateWaiting { Reason = reason, Message = message } };
    });

    /// <summary>Every init container done and every container running.</summary>
    public V1Pod SetRunning(string ns, string podName) => UpdatePodStatus(ns, podName, status =>
    {
        var pod = GetPod(ns, podName)!;
        status.Phase = "Running";
        status.StartTime ??= Now();
        SetCondition(status, "PodScheduled", "True", null, null);
        SetCondition(status, "Initialized", "True", null, null);
        SetCondition(status, "Ready", "True", null, null);
        foreach (var init in pod.Spec.InitContainers ?? [])
        {
            InitStatus(status, init.Name).State = new V1ContainerState { Terminated = new V1ContainerStateTerminated { ExitCode = 0, Reason = "Completed", FinishedAt = Now() } };
        }

        foreach (var container in pod.Spec.Containers)
        {
            var entry = ContainerStatus(status, ns, podName, container.Name);
            entry.State = new V1ContainerState { Running = new V1ContainerStateRunning { StartedAt = Now() } };
            entry.Ready = true;
            entry.Started = true;
        }
    });

    /// <summary>A container ended (reason e.g. Completed, Error, OOMKilled); once all have, the pod is Succeeded or Failed.</summary>
    public V1Pod SetTerminated(string ns, string podName, string container, int exitCode, string reason, string? message = null) => UpdatePodStatus(ns, podName, status =>
    {
        var entry = ContainerStatus(status, ns, podName, container);
        entry.State = new V1ContainerState { Terminated = new V1ContainerStateTerminated { ExitCode = exitCode, Reason = reason, Message = message, FinishedAt = Now() } };
        entry.Ready = false;
        entry.Started = false;
        if (status.ContainerStatuses!.Count == GetPod(ns, podName)!.Spec.Containers.Count
            && status.ContainerStatuses.All(c => c.State?.Terminated is not null))
        {
            status.Phase = status.ContainerStatuses.All(c => c.State.Terminated.ExitCode == 0) ? "Succeeded" : "Failed";
            SetCondition(status, "Ready", "False", "PodCompleted", null);
        }
    });

    /// <summary>An init container failed: with restartPolicy Never the pod fails and its containers never start.</summary>
    public V1Pod FailInitContainer(string ns, string podName, string initContainer, int exitCode, string reason = "Error", string? message = null) => UpdatePodStatus(ns, podName, status =>
    {
        InitStatus(status, initContainer).State = new V1ContainerState { Terminated = new V1ContainerStateTerminated { ExitCode = exitCode, Reason = reason, Message = message, FinishedAt = Now() } };
        status.Phase = "Failed";
        SetCondition(status, "Initialized", "False", "ContainersNotInitialized", $"containers with incomplete status: [{initContainer}]");
    });

    /// <summary>The kubelet evicted the pod (e.g. "Pod ephemeral local storage usage exceeds the total limit of containers 100Gi.").</summary>
    public V1Pod Evict(string ns, string podName, string message) => UpdatePodStatus(ns, podName, status =>
    {
        status.Phase = "Failed";
        status.Reason = "Evicted";
        status.Message = message;
        SetCondition(status, "DisruptionTarget", "True", "TerminationByKubelet", message);
        foreach (var entry in status.ContainerStatuses ?? [])
        {
            entry.State = new V1ContainerState { Terminated = new V1ContainerStateTerminated { ExitCode = 137, Reason = "Error", FinishedAt = Now() } };
        }
    });

    /// <summary>The Job's activeDeadlineSeconds ran out: Failed with reason DeadlineExceeded, its running pods deleted.</summary>
    public void ExceedDeadline(string ns, string jobName) => Jobs.DeadlineExceeded(ns, jobName);

    /// <summary>Adds a core/v1 Event about an object, e.g. FailedScheduling or Pulling.</summary>
    public Corev1Event AddEvent(string ns, string kind, string name, string reason, string message, string type = "Normal")
    {
        var uid = kind switch
        {
            "Pod" => GetPod(ns, name)?.Metadata.Uid,
            "Job" => GetJob(ns, name)?.Metadata.Uid,
            _ => null,
        };
        return CreateObject(KubeResource.Events, new Corev1Event
        {
            Metadata = new V1ObjectMeta { GenerateName = name + ".", NamespaceProperty = ns },
            InvolvedObject = new V1ObjectReference { Kind = kind, Name = name, NamespaceProperty = ns, Uid = uid, ApiVersion = kind == "Job" ? "batch/v1" : "v1" },
            Reason = reason,
            Message = message,
            Type = type,
            Count = 1,
            FirstTimestamp = Now(),
            LastTimestamp = Now(),
            Source = new V1EventSource { Component = kind == "Pod" && reason == "FailedScheduling" ? "default-scheduler" : "kubelet" },
        });
    }

    private V1ContainerStatus ContainerStatus(V1PodStatus status, string ns, string podName, string container)
    {
        var pod = GetPod(ns, podName) ?? throw new InvalidOperationException($"no pod {ns}/{podName}");
        var spec = pod.Spec.Containers.FirstOrDefault(c => c.Name == container)
            ?? throw new InvalidOperationException($"pod {podName} has no container {container}");
        status.ContainerStatuses ??= [];
        var entry = status.ContainerStatuses.FirstOrDefault(c => c.Name == container);
        if (entry is null)
        {
            entry = new V1ContainerStatus { Name = container, Image = spec.Image, ImageID = "", Ready = false, RestartCount = 0 };
            status.ContainerStatuses.Add(entry);
        }

        return entry;
    }

    private static V1ContainerStatus InitStatus(V1PodStatus status, string container)
    {
        status.InitContainerStatuses ??= [];
        var entry = status.InitContainerStatuses.FirstOrDefault(c => c.Name == container);
        if (entry is null)
        {
            entry = new V1ContainerStatus { Name = container, Image = "", ImageID = "", Ready = false, RestartCount = 0 };
            status.InitContainerStatuses.Add(entry);
        }

        return entry;
    }

    private void SetCondition(V1PodStatus status, string type, string value, string? reason, string? message)
    {
        status.Conditions ??= [];
        status.Conditions.Remove(status.Conditions.FirstOrDefault(c => c.Type == type)!);
        status.Conditions.Add(new V1PodCondition { Type = type, Status = value, Reason = reason, Message = message, LastTransitionTime = Now() });
    }

    private DateTime Now()
    {
        var now = Options.TimeProvider.GetUtcNow().UtcDateTime;
        return now.AddTicks(-(now.Ticks % TimeSpan.TicksPerSecond));
    }
}
