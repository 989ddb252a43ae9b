using System.Globalization;
using System.Text;
using k8s;
using k8s.Models;
using KubeRunner.Agent.Backends.Kubernetes.Api;
using KubeRunner.Agent.Backends.Kubernetes.Spec;
using KubeRunner.Agent.Backends.Kubernetes.Watching;
using KubeRunner.Agent.Configuration;
using KubeRunner.Agent.Executors;
using KubeRunner.Agent.Tasks.Adoption;
using Microsoft.Extensions.Logging;

namespace KubeRunner.Agent.Backends.Kubernetes;

/// <summary>
/// Kubernetes tasks taken over by a new agent process. Their Jobs kept running while no agent was there;
/// the Jobs labelled with this runner's uuid are the record, so an agent pod rescheduled to another
/// node finds them too (the base row is in an annotation, the token in the task's Secret). At start,
/// every Job and Secret of this runner whose task is not taken over is deleted.
/// </summary>
internal sealed class KubernetesAdoption(
    RunnerConfig config, string runnerUuid, KubernetesApi api, KubernetesWatches watches, TimeProvider time, ILogger<KubernetesAdoption> logger) : IBackendAdoption
{
    private static readonly TimeSpan SweepBound = TimeSpan.FromSeconds(60);

    // The Jobs DiscoverAsync listed, per namespace, so that PrepareAsync sweeps without asking again.
    private readonly Dictionary<string, IList<V1Job>> _listed = new(StringComparer.Ordinal);

    private readonly List<long> _abandoned = [];

    public string Backend => KubernetesBackend.BackendName;

    public IReadOnlyCollection<long> Abandoned => _abandoned;

    private string Selector => $"{KubernetesLabels.RunnerUuid}={KubernetesNames.ToLabelValue(runnerUuid)}";

    /// <summary>The namespaces this runner's Jobs can be in: the default one and every profile's.</summary>
    private IEnumerable<string> Namespaces => config.Kubernetes.Profiles.Values.Select(p => p.Namespace)
        .Where(ns => ns.Length > 0).Append(config.Kubernetes.Namespace).Distinct(StringComparer.Ordinal);

    public async Task<IReadOnlyList<TaskRecord>> DiscoverAsync(CancellationToken cancellationToken)
    {
        List<TaskRecord> found = [];
        if (config.Kubernetes.Profiles.Count == 0)
        {
            return found;
        }

        await ForEachNamespaceAsync(async (ns, token) =>
        {
            var jobs = _listed[ns] = await api.ListJobsAsync(ns, Selector, token);
            foreach (var job in jobs)
            {
                if (!IsFinished(job) && await RecordAsync(job, token) is { } record)
                {
                    found.Add(record);
                }
            }
        }, cancellationToken);
        return found;
    }

    public async Task PrepareAsync(IReadOnlyCollection<TaskRecord> adopted, CancellationToken cancellationToken)
    {
        if (config.Kubernetes.Profiles.Count == 0 && adopted.Count == 0)
        {
            return;
        }

        var keep = adopted.Select(r => r.TaskId.ToString(CultureInfo.InvariantCulture)).ToHashSet(StringComparer.Ordinal);
        await ForEachNamespaceAsync(async (ns, token) =>
        {
            var jobs = _listed.Remove(ns, out var listed) ? listed : await api.ListJobsAsync(ns, Selector, token);
            foreach (var job in jobs)
            {
                if (!keep.Contains(TaskIdOf(job)) && await api.DeleteJobAsync(ns, job.Name(), job.Uid(), token))
                {
                    KubernetesLog.LeftoverRemoved(logger, "Job", ns, job.Name(), TaskIdOf(job));
                    if (!IsFinished(job) && long.TryParse(TaskIdOf(job), NumberStyles.None, CultureInfo.InvariantCulture, out var taskId))
                    {
                        // Its task may still show as running on the forge.
                        _abandoned.Add(taskId);
                    }
                }
            }

            // A Secret without an owner was left between its creation and its Job's.
            foreach (var secret in await api.ListSecretsAsync(ns, Selector, token))
            {
                if (!keep.Contains(TaskIdOf(secret)) && secret.Metadata.OwnerReferences is null or { Count: 0 })
                {
                    await api.DeleteSecretAsync(ns, secret.Name(), secret.Uid(), token);
                    KubernetesLog.LeftoverRemoved(logger, "Secret", ns, secret.Name(), TaskIdOf(secret));
                }
            }
        }, cancellationToken);
    }

    public IAdoptedExecutor Open(TaskRecord record)
    {
        var handle = KubernetesJobHandle.Parse(record.ContainerId) ?? new KubernetesJobHandle(config.Kubernetes.Namespace, "", "");
        KubernetesLog.JobAdopted(logger, record.TaskId, handle.Namespace, handle.Name);
        return new KubernetesAdoptedExecutor(handle, record.TaskId, watches.For(handle.Namespace).Subscribe(record.TaskId),
            new KubernetesTaskObjectsWriter(api), config.Kubernetes.UnschedulableTimeout, time, logger);
    }

    private async Task<TaskRecord?> RecordAsync(V1Job job, CancellationToken cancellationToken)
    {
        var annotations = new Dictionary<string, string>(job.Metadata.Annotations ?? new Dictionary<string, string>(), StringComparer.Ordinal);
        if (!annotations.TryGetValue(KubernetesTaskObjectsWriter.BaseRowAnnotation, out var baseRow)
            || !long.TryParse(TaskIdOf(job), NumberStyles.None, CultureInfo.InvariantCulture, out var taskId))
        {
            // Its executor never wrote a row: there is nothing to continue, and the sweep deletes it.
            return null;
        }

        V1Secret secret;
        try
        {
            secret = await api.ReadSecretAsync(job.Namespace(), job.Name(), cancellationToken);
        }
        catch (KubernetesApiException e) when (e.IsNotFound)
        {
            return null;
        }

        if (secret.Data?.TryGetValue(KubernetesJobBuilder.TokenKey, out var token) != true)
        {
            return null;
        }

        return new TaskRecord(
            taskId,
            Convert.ToBase64String(ExecutorToken.Hash(Encoding.UTF8.GetString(token!))),
            long.Parse(baseRow, CultureInfo.InvariantCulture),
            int.TryParse(annotations.GetValueOrDefault(KubernetesTaskObjectsWriter.StepCountAnnotation), CultureInfo.InvariantCulture, out var steps) ? steps : 0,
            0,
            "",
            annotations.GetValueOrDefault(KubernetesTaskObjectsWriter.LabelAnnotation) ?? "",
            KubernetesBackend.BackendName,
            new KubernetesJobHandle(job.Namespace(), job.Name(), job.Uid()).ToString());
    }

    private async Task ForEachNamespaceAsync(Func<string, CancellationToken, Task> action, CancellationToken cancellationToken)
    {
        foreach (var ns in Namespaces)
        {
            using var bound = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            bound.CancelAfter(SweepBound);
            try
            {
                await action(ns, bound.Token);
            }
            catch (Exception e) when (e is KubernetesApiException || (e is OperationCanceledException && !cancellationToken.IsCancellationRequested))
            {
                // Not a reason to refuse jobs: the next start looks again, and the TTL removes finished Jobs.
                KubernetesLog.SweepFailed(logger, ns, e is OperationCanceledException ? $"no answer within {SweepBound.TotalSeconds:0} s" : e.Message);
            }
        }
    }

    private static string TaskIdOf(IKubernetesObject<V1ObjectMeta> item) => item.Metadata.Labels?.TryGetValue(KubernetesLabels.TaskId, out var id) == true ? id : "";

    private static bool IsFinished(V1Job job) => job.Status?.Conditions?.Any(c => c.Type is "Complete" or "Failed" && c.Status == "True") == true;
}
