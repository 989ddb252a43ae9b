using System.Text.Json.Nodes;
using k8s;
using k8s.Models;
using KubeRunner.Agent.Backends.Kubernetes.Spec;
using KubeRunner.Agent.Configuration;

namespace KubeRunner.Agent.Backends.Kubernetes.Api;

/// <summary>
/// The API requests the backend makes, each with <see cref="ApiRetry"/>'s retries and messages. The
/// client is made on first use, so that an agent without Kubernetes labels never reads a kubeconfig.
/// </summary>
internal sealed class KubernetesApi(KubernetesOptions options, TimeProvider time, ApiReachability? reachability = null) : IDisposable
{
    /// <summary>A request other than a watch that takes longer than this is retried.</summary>
    private static readonly TimeSpan AttemptTimeout = TimeSpan.FromSeconds(30);

    private readonly Lazy<IKubernetes> _client = new(() => KubernetesClients.Create(options, time, reachability));
    private readonly ApiRetry _retry = new(time);

    /// <summary>Whether the API server answered the last request (for readiness); null when nobody asks.</summary>
    public ApiReachability? Reachability => reachability;

    /// <summary>The client itself, for watches (which handle their own failures).</summary>
    /// <exception cref="KubernetesApiException">The kubeconfig cannot be used.</exception>
    public IKubernetes Client
    {
        get
        {
            try
            {
                return _client.Value;
            }
            catch (k8s.Exceptions.KubeConfigException e)
            {
                throw new KubernetesApiException(KubernetesClients.Describe(options, e), inner: e);
            }
        }
    }

    public Task<V1Secret> CreateSecretAsync(V1Secret secret, CancellationToken cancellationToken) =>
        CreateOnceAsync(secret, $"creating Secret {Describe(secret)}",
            token => Client.CoreV1.CreateNamespacedSecretAsync(secret, secret.Namespace(), cancellationToken: token),
            token => Client.CoreV1.ReadNamespacedSecretAsync(secret.Name(), secret.Namespace(), cancellationToken: token), cancellationToken);

    public Task<V1Job> CreateJobAsync(V1Job job, CancellationToken cancellationToken) =>
        CreateOnceAsync(job, $"creating Job {Describe(job)}",
            token => Client.BatchV1.CreateNamespacedJobAsync(job, job.Namespace(), cancellationToken: token),
            token => Client.BatchV1.ReadNamespacedJobAsync(job.Name(), job.Namespace(), cancellationToken: token), cancellationToken);

    /// <summary>
    /// A create whose answer was lost (a timeout, a dropped connection) is retried and then finds the
    /// object there: when it carries the same runner and task labels it is the one sent, and is used.
    /// </summary>
    private async Task<T> CreateOnceAsync<T>(T item, string what, Func<CancellationToken, Task<T>> create, Func<CancellationToken, Task<T>> read, CancellationToken cancellationToken)
        where T : IKubernetesObject<V1ObjectMeta>
    {
        KubernetesApiException conflict;
        try
        {
            return await RunAsync(what, create, cancellationToken);
        }
        catch (KubernetesApiException e) when (e.IsConflict)
        {
            conflict = e;
        }

        var existing = await RunAsync(what, read, cancellationToken);
        return SameTask(existing, item) ? existing : throw conflict;
    }

    private static bool SameTask(IKubernetesObject<V1ObjectMeta> existing, IKubernetesObject<V1ObjectMeta> sent) =>
        new[] { KubernetesLabels.RunnerUuid, KubernetesLabels.TaskId }.All(key =>
            sent.Metadata.Labels?.TryGetValue(key, out var value) == true && existing.Metadata.Labels?.TryGetValue(key, out var found) == true && value == found);

    public Task<V1PodDisruptionBudget> CreateBudgetAsync(V1PodDisruptionBudget budget, CancellationToken cancellationToken) =>
        RunAsync($"creating PodDisruptionBudget {Describe(budget)}", token => Client.PolicyV1.CreateNamespacedPodDisruptionBudgetAsync(budget, budget.Namespace(), cancellationToken: token), cancellationToken);

    /// <summary>Makes <paramref name="job"/> the owner of <paramref name="secret"/>, so that deleting the Job removes it.</summary>
    public Task OwnAsync(V1Secret secret, V1Job job, CancellationToken cancellationToken)
    {
        var metadata = JsonNode.Parse(KubernetesJson.Serialize(new V1ObjectMeta { OwnerReferences = [Owner(job)] }));
        var patch = new JsonObject { ["metadata"] = metadata };
        return RunAsync($"making Job {Describe(job)} the owner of its Secret",
            token => Client.CoreV1.PatchNamespacedSecretAsync(new V1Patch(patch.ToJsonString(), V1Patch.PatchType.MergePatch), secret.Name(), secret.Namespace(), cancellationToken: token),
            cancellationToken);
    }

    /// <summary>A reference that makes <paramref name="job"/> an object's owner, for the garbage collector.</summary>
    public static V1OwnerReference Owner(V1Job job) =>
        new() { ApiVersion = "batch/v1", Kind = "Job", Name = job.Name(), Uid = job.Uid(), Controller = true, BlockOwnerDeletion = true };

    public Task AnnotateAsync(V1Job job, IReadOnlyDictionary<string, string> annotations, CancellationToken cancellationToken)
    {
        var values = new JsonObject();
        foreach (var (key, value) in annotations)
        {
            values[key] = value;
        }

        var patch = new JsonObject { ["metadata"] = new JsonObject { ["annotations"] = values } };
        return RunAsync($"annotating Job {Describe(job)}",
            token => Client.BatchV1.PatchNamespacedJobAsync(new V1Patch(patch.ToJsonString(), V1Patch.PatchType.MergePatch), job.Name(), job.Namespace(), cancellationToken: token),
            cancellationToken);
    }

    /// <summary>
    /// Deletes a Job and, in the background, its pods and the objects it owns. The UID precondition
    /// makes sure that a Job of the same name made since (another task, another agent) is never hit.
    /// </summary>
    /// <returns>False when the Job was gone already (or is another one by now).</returns>
    public async Task<bool> DeleteJobAsync(string ns, string name, string uid, CancellationToken cancellationToken)
    {
        var body = new V1DeleteOptions { PropagationPolicy = "Background", Preconditions = new V1Preconditions { Uid = uid } };
        try
        {
            await RunAsync($"deleting Job {ns}/{name}", token => Client.BatchV1.DeleteNamespacedJobAsync(name, ns, body, cancellationToken: token), cancellationToken);
            return true;
        }
        catch (KubernetesApiException e) when (e.IsNotFound || e.IsConflict)
        {
            return false;
        }
    }

    /// <summary>Deletes a Secret that no Job owns (one left between its creation and its Job's).</summary>
    public async Task DeleteSecretAsync(string ns, string name, string uid, CancellationToken cancellationToken)
    {
        var body = new V1DeleteOptions { Preconditions = new V1Preconditions { Uid = uid } };
        try
        {
            await RunAsync($"deleting Secret {ns}/{name}", token => Client.CoreV1.DeleteNamespacedSecretAsync(name, ns, body, cancellationToken: token), cancellationToken);
        }
        catch (KubernetesApiException e) when (e.IsNotFound || e.IsConflict)
        {
            // Gone already, or another object by now.
        }
    }

    public async Task<IList<V1Job>> ListJobsAsync(string ns, string labelSelector, CancellationToken cancellationToken) =>
        (await RunAsync($"listing Jobs in {ns}", token => Client.BatchV1.ListNamespacedJobAsync(ns, labelSelector: labelSelector, cancellationToken: token), cancellationToken)).Items;

    public async Task<IList<V1Secret>> ListSecretsAsync(string ns, string labelSelector, CancellationToken cancellationToken) =>
        (await RunAsync($"listing Secrets in {ns}", token => Client.CoreV1.ListNamespacedSecretAsync(ns, labelSelector: labelSelector, cancellationToken: token), cancellationToken)).Items;

    public Task<V1Secret> ReadSecretAsync(string ns, string name, CancellationToken cancellationToken) =>
        RunAsync($"reading Secret {ns}/{name}", token => Client.CoreV1.ReadNamespacedSecretAsync(name, ns, cancellationToken: token), cancellationToken);

    /// <summary>The Secret, or null when there is none of that name.</summary>
    public async Task<V1Secret?> TryReadSecretAsync(string ns, string name, CancellationToken cancellationToken)
    {
        try
        {
            return await ReadSecretAsync(ns, name, cancellationToken);
        }
        catch (KubernetesApiException e) when (e.IsNotFound)
        {
            return null;
        }
    }

    /// <summary>Creates a Secret that is not a task's; a Secret of that name already there is a conflict for the caller to handle.</summary>
    public Task<V1Secret> CreateSecretOrConflictAsync(V1Secret secret, CancellationToken cancellationToken) =>
        RunAsync($"creating Secret {Describe(secret)}", token => Client.CoreV1.CreateNamespacedSecretAsync(secret, secret.Namespace(), cancellationToken: token), cancellationToken);

    /// <summary>Replaces a Secret read before; its resourceVersion makes a change made meanwhile a conflict.</summary>
    public Task<V1Secret> ReplaceSecretAsync(V1Secret secret, CancellationToken cancellationToken) =>
        RunAsync($"updating Secret {Describe(secret)}", token => Client.CoreV1.ReplaceNamespacedSecretAsync(secret, secret.Name(), secret.Namespace(), cancellationToken: token), cancellationToken);

    /// <summary>The last lines a container of a pod wrote, for an executor that ended without a result.</summary>
    public async Task<string> LogTailAsync(string ns, string pod, string container, int lines, CancellationToken cancellationToken)
    {
        await using var stream = await RunAsync($"reading the log of {ns}/{pod}",
            token => Client.CoreV1.ReadNamespacedPodLogAsync(pod, ns, container: container, tailLines: lines, cancellationToken: token), cancellationToken);
        using var reader = new StreamReader(stream);
        return (await reader.ReadToEndAsync(cancellationToken)).TrimEnd();
    }

    private async Task<T> RunAsync<T>(string what, Func<CancellationToken, Task<T>> call, CancellationToken cancellationToken) =>
        await _retry.RunAsync(what, async token =>
        {
            using var attempt = CancellationTokenSource.CreateLinkedTokenSource(token);
            attempt.CancelAfter(AttemptTimeout);
            return await call(attempt.Token);
        }, cancellationToken);

    private static string Describe(IKubernetesObject<V1ObjectMeta> item) => $"{item.Namespace()}/{item.Name()}";

    public void Dispose()
    {
        if (_client.IsValueCreated)
        {
            _client.Value.Dispose();
        }
    }
}
