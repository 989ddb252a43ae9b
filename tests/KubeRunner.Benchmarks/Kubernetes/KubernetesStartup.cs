using System.Diagnostics;
using System.Globalization;
using k8s;
using k8s.Models;
using KubeRunner.Benchmarks.Executor;
using KubeRunner.Testing.FakeForge;
using KubeRunner.Testing.FakeKubernetes;
using Result = KubeRunner.Protocol.Runner.V1.Result;

namespace KubeRunner.Benchmarks.Kubernetes;

/// <summary>
/// What the Kubernetes backend costs before a job's pod exists: from the forge handing out the task to
/// the task's Job, then its pod, being stored in the fake API server (both at the fake clock's
/// precision, not creationTimestamp's whole seconds), against the bare round trips of the same Secret
/// and Job created with KubernetesClient against the same fake. Pods are scripted, so no Docker: each
/// is failed as soon as it exists, which ends the task before the next one is queued.
/// </summary>
internal static class KubernetesStartup
{
    private const int Runs = 15;
    private const string Namespace = "ci";
    private const string Workflow = "on: push\njobs:\n  start:\n    runs-on: linux\n    steps:\n      - run: true\n";

    // kubernetes.qps (5, the default) refills the client's token bucket by 5 a second and a task takes
    // 4 requests; a second between tasks keeps each measurement clear of the throttle, as for tasks
    // that do not arrive in a burst.
    private static readonly TimeSpan Pause = TimeSpan.FromSeconds(1);
    private static readonly TimeSpan Timeout = TimeSpan.FromMinutes(2);

    public static async Task<IEnumerable<string>> RunAsync()
    {
        await using var kube = await FakeKubeApiServer.StartAsync();
        var kubeconfig = Path.Combine(Path.GetTempPath(), $"kube-runner-bench-{Guid.NewGuid():N}.kubeconfig");
        await File.WriteAllTextAsync(kubeconfig, kube.Kubeconfig(Namespace));
        try
        {
            List<TaskTimes> tasks = [];
            await using (var daemon = await HostDaemon.StartAsync(ExecutorFootprint.HostBinary, label: "linux:kubernetes", extraConfig:
                $"kubernetes:\n  kubeconfig: {kubeconfig}\n  namespace: {Namespace}\n  agent_address: http://kube-runner.{Namespace}.svc:8081\n"
                + "  profiles:\n    linux:\n      image: alpine:3.20\n      executor_image: registry.example/kube-runner-executor:1\n"))
            {
                await RunTaskAsync(daemon, kube); // warm-up: the agent's JIT, the client, the shared watches
                for (var i = 0; i < Runs; i++)
                {
                    await Task.Delay(Pause);
                    tasks.Add(await RunTaskAsync(daemon, kube));
                }
            }

            var baseline = await CreatePairsAsync(kube, tasks[0].Secret, tasks[0].Job);
            var toJob = tasks.Select(t => t.ToJob).ToList();
            var toPod = tasks.Select(t => t.ToPod).ToList();
            var requests = tasks.Select(t => string.Join(", ", t.Requests)).Distinct().ToList();
            if (requests.Count != 1)
            {
                throw new InvalidOperationException($"the tasks made different API requests: {string.Join(" | ", requests)}");
            }

            var perJob = tasks[0].Requests.Count;
            var pair = $"`create Secret` + `create Job` (the same objects) with KubernetesClient against the same fake: {Ms(Median(baseline))} ms";
            return
            [
                $"| Kubernetes backend: task received → Job created (fake API server, scripted pods, median / p90 of {Runs}) | {Ms(Median(toJob))} ms / {Ms(P90(toJob))} ms | "
                    + $"{pair} | {Median(toJob) / Median(baseline):0.00} |",
                $"| Kubernetes backend: task received → pod created (the same runs) | {Ms(Median(toPod))} ms / {Ms(P90(toPod))} ms | "
                    + $"the same baseline | {Median(toPod) / Median(baseline):0.00} |",
                // Not a ratio: a count to hold against the README's 5, which includes the adoption annotation
                // (patch jobs) that only a running executor brings about.
                $"| Kubernetes API requests per job (request log, by the task's object names; the pod fails before its executor starts) | {perJob}: {requests[0]} | — | — |",
            ];
        }
        finally
        {
            File.Delete(kubeconfig);
        }
    }

    private static async Task<TaskTimes> RunTaskAsync(HostDaemon daemon, FakeKubeApiServer kube)
    {
        var jobId = daemon.Enqueue(Workflow);
        var task = await daemon.Forge.WaitForJobAssignedAsync(jobId, Timeout);
        var assigned = task.Journal.First(e => e.Kind == FakeTaskEventKind.Assigned).Time;
        var (name, pod) = await PodAsync(kube, task.Id);
        // Read before the task ends: the Job's delete takes its Secret along.
        var job = kube.GetJob(Namespace, name) ?? throw new InvalidOperationException($"Job {name} is gone before its pod failed");
        var secret = kube.GetSecret(Namespace, name) ?? throw new InvalidOperationException($"Secret {name} is gone before its pod failed");
        kube.SetTerminated(Namespace, pod, "job", 1, "Error");
        var done = await daemon.WaitDoneAsync(jobId);
        if (done.Result != Result.Failure)
        {
            throw new InvalidOperationException($"the task whose pod failed ended {done.Result}: {string.Join(" | ", done.LogRows.Select(r => r.Content))}");
        }

        var jobCreated = kube.Creations.Of("jobs", Namespace, name) ?? throw new InvalidOperationException($"no creation of Job {name} in the fake's log");
        var podCreated = kube.Creations.Of("pods", Namespace, pod) ?? throw new InvalidOperationException($"no creation of pod {pod} in the fake's log");
        List<string> requests = [.. kube.Requests.All.Where(r => r.Name == name && r.Verb is "create" or "update" or "patch" or "delete").Select(r => $"{r.Verb} {r.Resource}")];
        return new TaskTimes(jobCreated - assigned, podCreated - assigned, requests, secret, job);
    }

    /// <summary>The pod of the Job; the fake's Job controller creates it while the Job's create request is answered.</summary>
    /// <summary>The task's Job (named kube-runner-task-ID-RUNNER, found by its create request) and its pod, once both exist.</summary>
    private static async Task<(string Job, string Pod)> PodAsync(FakeKubeApiServer kube, long taskId)
    {
        var prefix = $"kube-runner-task-{taskId.ToString(CultureInfo.InvariantCulture)}-";
        var deadline = Stopwatch.StartNew();
        while (deadline.Elapsed < Timeout)
        {
            if (kube.Requests.All.FirstOrDefault(r => r.Verb == "create" && r.Resource == "jobs" && r.Name?.StartsWith(prefix, StringComparison.Ordinal) == true)?.Name is { } job
                && kube.PodsOfJob(Namespace, job) is [var pod])
            {
                return (job, pod.Metadata.Name);
            }

            await Task.Delay(TimeSpan.FromMilliseconds(5));
        }

        throw new TimeoutException($"no pod of a Job {prefix}… within {Timeout}");
    }

    /// <summary>The API's share: the task's own Secret and Job, renamed, created back to back as the backend does, without its rate limiter.</summary>
    private static async Task<List<TimeSpan>> CreatePairsAsync(FakeKubeApiServer kube, V1Secret secret, V1Job job)
    {
        // What the API server added to the Job is left out, as the backend sends it.
        job.Spec.Selector = null;
        foreach (var label in new[] { "controller-uid", "job-name", "batch.kubernetes.io/controller-uid", "batch.kubernetes.io/job-name" })
        {
            job.Spec.Template.Metadata.Labels.Remove(label);
        }

        using var client = kube.CreateClient();
        var times = new List<TimeSpan>();
        for (var i = 0; i <= Runs; i++)
        {
            var name = $"kube-runner-bench-{i}";
            var stopwatch = Stopwatch.StartNew();
            await client.CoreV1.CreateNamespacedSecretAsync(new V1Secret { Metadata = Meta(name, secret.Metadata), Type = secret.Type, Data = secret.Data }, Namespace);
            await client.BatchV1.CreateNamespacedJobAsync(new V1Job { Metadata = Meta(name, job.Metadata), Spec = job.Spec }, Namespace);
            var elapsed = stopwatch.Elapsed;
            await client.BatchV1.DeleteNamespacedJobAsync(name, Namespace, propagationPolicy: "Background");
            await client.CoreV1.DeleteNamespacedSecretAsync(name, Namespace);
            if (i > 0) // the first pair warms the client up
            {
                times.Add(elapsed);
            }
        }

        return times;
    }

    private static V1ObjectMeta Meta(string name, V1ObjectMeta of) => new() { Name = name, Labels = of.Labels, Annotations = of.Annotations };

    private static TimeSpan Median(List<TimeSpan> values) => values.Order().ElementAt(values.Count / 2);

    // The nearest-rank 90th percentile: the 14th of 15.
    private static TimeSpan P90(List<TimeSpan> values) => values.Order().ElementAt((int)Math.Ceiling(values.Count * 0.9) - 1);

    private static string Ms(TimeSpan value) => value.TotalMilliseconds.ToString("0.0", CultureInfo.InvariantCulture);

    private sealed record TaskTimes(TimeSpan ToJob, TimeSpan ToPod, List<string> Requests, V1Secret Secret, V1Job Job);
}
