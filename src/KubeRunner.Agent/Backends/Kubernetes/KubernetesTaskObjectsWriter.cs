using System.Globalization;
using k8s;
using k8s.Models;
using KubeRunner.Agent.Backends.Kubernetes.Api;
using KubeRunner.Agent.Backends.Kubernetes.Spec;
using Microsoft.Extensions.Logging;

namespace KubeRunner.Agent.Backends.Kubernetes;

/// <summary>
/// The requests of one task, and all of them: the Secret, the Job, the Secret's owner (the Job, once it
/// has a UID), the PodDisruptionBudget when the profile asks, one annotation when the task becomes
/// adoptable, and the Job's delete, whose propagation removes the pod, the Secret and the budget.
/// Everything else the task learns comes from the namespace's shared watch.
/// </summary>
internal sealed class KubernetesTaskObjectsWriter(KubernetesApi api)
{
    /// <summary>Where in the log the executor's rows start; with the Secret's token, what a new agent process needs to take the task over.</summary>
    public const string BaseRowAnnotation = KubernetesLabels.Prefix + "base-row";

    public const string StepCountAnnotation = KubernetesLabels.Prefix + "step-count";

    public const string LabelAnnotation = KubernetesLabels.Prefix + "label";

    /// <summary>How long deleting the Job may take after the task; after that its TTL and the next start's sweep remain.</summary>
    private static readonly TimeSpan DeleteBound = TimeSpan.FromSeconds(60);

    /// <summary>Creates the task's objects; on a failure removes what it created and throws.</summary>
    /// <exception cref="KubernetesApiException">The API refused a request; the message has its words.</exception>
    public async Task<V1Job> CreateAsync(KubernetesTaskObjects objects, ILogger logger, long taskId, CancellationToken cancellationToken)
    {
        // The Secret first: the pod reads it as it starts, and a pod waiting for a missing Secret looks like a failure.
        var secret = await api.CreateSecretAsync(objects.Secret, cancellationToken);
        V1Job job;
        try
        {
            job = await api.CreateJobAsync(objects.Job, cancellationToken);
        }
        catch (Exception e) when (e is KubernetesApiException or OperationCanceledException)
        {
            await RemoveAsync(() => api.DeleteSecretAsync(secret.Namespace(), secret.Name(), secret.Uid(), CancellationToken.None), $"Secret {Describe(secret)}", logger, taskId);
            throw;
        }

        try
        {
            await api.OwnAsync(secret, job, cancellationToken);
            if (objects.DisruptionBudget is { } budget)
            {
                budget.Metadata.OwnerReferences = [KubernetesApi.Owner(job)];
                await api.CreateBudgetAsync(budget, cancellationToken);
            }
        }
        catch (Exception e) when (e is KubernetesApiException or OperationCanceledException)
        {
            await RemoveAsync(() => api.DeleteJobAsync(job.Namespace(), job.Name(), job.Uid(), CancellationToken.None), $"Job {Describe(job)}", logger, taskId);
            await RemoveAsync(() => api.DeleteSecretAsync(secret.Namespace(), secret.Name(), secret.Uid(), CancellationToken.None), $"Secret {Describe(secret)}", logger, taskId);
            throw;
        }

        return job;
    }

    // A refused clean-up must not replace the refusal the task fails with; the next start's sweep finds what is left.
    private static async Task RemoveAsync(Func<Task> delete, string what, ILogger logger, long taskId)
    {
        try
        {
            await delete();
        }
        catch (KubernetesApiException e)
        {
            KubernetesLog.DeleteFailed(logger, taskId, what, e.Message);
        }
    }

    private static string Describe(IKubernetesObject<V1ObjectMeta> item) => $"{item.Namespace()}/{item.Name()}";

    /// <summary>Writes what a new agent process needs to take the task over into the Job's annotations.</summary>
    public async Task MarkAdoptableAsync(V1Job job, long baseRow, int stepCount, string label, ILogger logger, long taskId)
    {
        try
        {
            await api.AnnotateAsync(job, new Dictionary<string, string>(StringComparer.Ordinal)
            {
                [BaseRowAnnotation] = baseRow.ToString(CultureInfo.InvariantCulture),
                [StepCountAnnotation] = stepCount.ToString(CultureInfo.InvariantCulture),
                [LabelAnnotation] = label,
            }, CancellationToken.None);
        }
        catch (KubernetesApiException e)
        {
            // Only a takeover from another node needs it; one on this node has the local record.
            KubernetesLog.AnnotateFailed(logger, taskId, e.Message);
        }
    }

    /// <summary>Deletes the Job with background propagation: its pod, Secret and budget go with it.</summary>
    public async Task DeleteAsync(KubernetesJobHandle handle, ILogger logger, long taskId)
    {
        using var bound = new CancellationTokenSource(DeleteBound);
        try
        {
            await api.DeleteJobAsync(handle.Namespace, handle.Name, handle.Uid, bound.Token);
        }
        catch (Exception e) when (e is KubernetesApiException or OperationCanceledException)
        {
            KubernetesLog.DeleteFailed(logger, taskId, $"Job {handle.Namespace}/{handle.Name}", e.Message);
        }
    }
}
