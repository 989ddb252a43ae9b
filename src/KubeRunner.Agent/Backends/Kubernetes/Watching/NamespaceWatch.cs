using System.Globalization;
using k8s;
using k8s.Models;
using KubeRunner.Agent.Backends.Kubernetes.Api;
using KubeRunner.Agent.Backends.Kubernetes.Spec;
using Microsoft.Extensions.Logging;

namespace KubeRunner.Agent.Backends.Kubernetes.Watching;

/// <summary>
/// The one watch of a namespace: the Jobs and pods labelled with this runner's uuid, listed once and
/// then watched, shared by every task in the namespace. A task subscribes by its id and sees its Job
/// and pod change; no task polls the API.
/// </summary>
internal sealed class NamespaceWatch : IAsyncDisposable
{
    /// <summary>The server ends each watch after this; the watch then resumes from its version.</summary>
    private const int WatchSeconds = 300;

    private readonly object _lock = new();
    private readonly Dictionary<long, (V1Job? Job, V1Pod? Pod, bool JobGone)> _tasks = [];
    private readonly Dictionary<long, List<TaskWatch>> _subscribers = [];
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _running;
    private readonly Task _listed;

    public NamespaceWatch(KubernetesApi api, string ns, string runnerUuid, TimeProvider time, ILogger logger)
    {
        Namespace = ns;
        var selector = $"{KubernetesLabels.RunnerUuid}={KubernetesNames.ToLabelValue(runnerUuid)}";
        var jobs = new ResourceWatch<V1Job>($"Jobs in {ns}",
            async token =>
            {
                var list = await api.Client.BatchV1.ListNamespacedJobAsync(ns, labelSelector: selector, cancellationToken: token);
                return (list.Items, list.Metadata.ResourceVersion);
            },
            (version, token) => api.Client.BatchV1.WatchListNamespacedJobAsync(ns, labelSelector: selector, resourceVersion: version,
                allowWatchBookmarks: true, timeoutSeconds: WatchSeconds, cancellationToken: token),
            JobChanged, time, logger, api.Reachability);
        var pods = new ResourceWatch<V1Pod>($"pods in {ns}",
            async token =>
            {
                var list = await api.Client.CoreV1.ListNamespacedPodAsync(ns, labelSelector: selector, cancellationToken: token);
                return (list.Items, list.Metadata.ResourceVersion);
            },
            (version, token) => api.Client.CoreV1.WatchListNamespacedPodAsync(ns, labelSelector: selector, resourceVersion: version,
                allowWatchBookmarks: true, timeoutSeconds: WatchSeconds, cancellationToken: token),
            PodChanged, time, logger, api.Reachability);
        _listed = Task.WhenAll(jobs.Listed.Task, pods.Listed.Task);
        _running = Task.WhenAll(Task.Run(() => jobs.RunAsync(_stop.Token)), Task.Run(() => pods.RunAsync(_stop.Token)));
    }

    public string Namespace { get; }

    /// <summary>Completes once both kinds have been listed.</summary>
    public Task Listed => _listed;

    public TaskWatch Subscribe(long taskId)
    {
        var watch = new TaskWatch(taskId, Unsubscribe) { Listed = _listed };
        lock (_lock)
        {
            if (!_subscribers.TryGetValue(taskId, out var list))
            {
                _subscribers[taskId] = list = [];
            }

            list.Add(watch);
            if (_tasks.TryGetValue(taskId, out var seen))
            {
                watch.Offer(new TaskSnapshot(seen.Job, seen.Pod, seen.JobGone));
            }
        }

        return watch;
    }

    /// <summary>Every Job of this runner in the namespace as last seen, for adoption and sweeping.</summary>
    public IReadOnlyList<V1Job> Jobs()
    {
        lock (_lock)
        {
            return [.. _tasks.Values.Where(t => t.Job is not null && !t.JobGone).Select(t => t.Job!)];
        }
    }

    private void JobChanged(V1Job job, bool deleted) => Update(job, state => deleted
        ? state with { JobGone = state.Job?.Uid() == job.Uid() || state.Job is null }
        : (job, state.Pod, false));

    private void PodChanged(V1Pod pod, bool deleted) => Update(pod, state => deleted
        ? (state.Pod?.Uid() == pod.Uid() ? state with { Pod = null } : state)
        : state.Pod is { } current && IsNewer(current, pod) ? state : state with { Pod = pod });

    // A Job has one pod (backoffLimit 0); should a replacement appear, the newest is the one to follow.
    private static bool IsNewer(V1Pod current, V1Pod candidate) =>
        current.Uid() != candidate.Uid() && current.Metadata.CreationTimestamp > candidate.Metadata.CreationTimestamp;

    private void Update(IKubernetesObject<V1ObjectMeta> item, Func<(V1Job? Job, V1Pod? Pod, bool JobGone), (V1Job? Job, V1Pod? Pod, bool JobGone)> change)
    {
        if (item.Metadata.Labels is not { } labels || !labels.TryGetValue(KubernetesLabels.TaskId, out var id)
            || !long.TryParse(id, NumberStyles.None, CultureInfo.InvariantCulture, out var taskId))
        {
            return;
        }

        lock (_lock)
        {
            var state = change(_tasks.TryGetValue(taskId, out var known) ? known : default);
            _tasks[taskId] = state;
            if (state.JobGone && state.Pod is null)
            {
                // Nothing of the task is left; a later task of the same id would start afresh.
                _tasks.Remove(taskId);
            }

            foreach (var watch in _subscribers.GetValueOrDefault(taskId) ?? [])
            {
                watch.Offer(new TaskSnapshot(state.Job, state.Pod, state.JobGone));
            }
        }
    }

    private void Unsubscribe(TaskWatch watch)
    {
        lock (_lock)
        {
            if (_subscribers.TryGetValue(watch.TaskId, out var list) && list.Remove(watch) && list.Count == 0)
            {
                _subscribers.Remove(watch.TaskId);
            }
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        await _running;
        _stop.Dispose();
    }
}
