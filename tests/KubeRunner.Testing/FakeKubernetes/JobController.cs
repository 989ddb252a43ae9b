using k8s.Models;

namespace KubeRunner.Testing.FakeKubernetes;

/// <summary>
/// The part of kube-controller-manager's Job controller the backend relies on: one Pod per Job from
/// its template, and the Job's status (active/succeeded/failed, Complete/Failed conditions with the
/// reason) when that pod ends, honouring backoffLimit and podFailurePolicy.
/// </summary>
internal sealed class JobController(FakeKubeApiServer server, TimeProvider time)
{
    public const string JobNameLabel = "batch.kubernetes.io/job-name";
    public const string ControllerUidLabel = "batch.kubernetes.io/controller-uid";

    /// <summary>What the API server's Job defaulting adds before storing: the selector and the template's controller-uid labels.</summary>
    public static void Default(V1Job job)
    {
        var uid = job.Metadata.Uid;
        job.Spec.Template.Metadata ??= new V1ObjectMeta();
        var labels = job.Spec.Template.Metadata.Labels ??= new Dictionary<string, string>();
        labels[ControllerUidLabel] = uid;
        labels["controller-uid"] = uid;
        labels[JobNameLabel] = job.Metadata.Name;
        labels["job-name"] = job.Metadata.Name;
        job.Spec.Selector ??= new V1LabelSelector { MatchLabels = new Dictionary<string, string> { [ControllerUidLabel] = uid } };
        job.Spec.BackoffLimit ??= 6;
        job.Status = new V1JobStatus();
    }

    public void JobCreated(V1Job job) => StartPod(job);

    /// <summary>Called after every change to a pod's status: a finished pod settles its Job.</summary>
    public void PodChanged(V1Pod pod)
    {
        var owner = pod.Metadata.OwnerReferences?.FirstOrDefault(o => o.Kind == "Job" && o.Controller == true);
        if (owner is null || pod.Status?.Phase is not ("Succeeded" or "Failed"))
        {
            return;
        }

        var job = server.Store.Get<V1Job>(KubeResource.Jobs, pod.Metadata.NamespaceProperty, owner.Name);
        if (job is null || job.Metadata.Uid != owner.Uid || IsFinished(job))
        {
            return;
        }

        if (pod.Status.Phase == "Succeeded")
        {
            Settle(job, j =>
            {
                j.Status.Succeeded = (j.Status.Succeeded ?? 0) + 1;
                j.Status.CompletionTime = Now();
                AddCondition(j, "Complete", null, null);
            });
            return;
        }

        var (action, message) = PodFailurePolicy.Evaluate(job, pod);
        if (action == "Ignore")
        {
            StartPod(job);
            return;
        }

        var failed = (job.Status.Failed ?? 0) + 1;
        if (action == "FailJob")
        {
            Settle(job, j => Fail(j, failed, "PodFailurePolicy", message));
        }
        else if (failed > (job.Spec.BackoffLimit ?? 6))
        {
            Settle(job, j => Fail(j, failed, "BackoffLimitExceeded", "Job has reached the specified backoff limit"));
        }
        else
        {
            server.Store.Update<V1Job>(KubeResource.Jobs, job.Metadata.NamespaceProperty, job.Metadata.Name, j => j.Status.Failed = failed);
            StartPod(job);
        }
    }

    /// <summary>activeDeadlineSeconds has run out: the Job fails with DeadlineExceeded and its running pods are killed.</summary>
    public void DeadlineExceeded(string ns, string jobName)
    {
        var job = server.Store.Get<V1Job>(KubeResource.Jobs, ns, jobName) ?? throw KubeApiException.NotFound(KubeResource.Jobs, jobName);
        var active = server.Store.Dependents(ns, job.Metadata.Uid).OfType<V1Pod>()
            .Where(p => p.Status?.Phase is not ("Succeeded" or "Failed")).ToList();
        Settle(job, j => Fail(j, (j.Status.Failed ?? 0) + active.Count, "DeadlineExceeded", "Job was active longer than specified deadline"));
        foreach (var pod in active)
        {
            server.DeleteObject(KubeResource.Pods, ns, pod.Metadata.Name, null);
        }
    }

    private static bool IsFinished(V1Job job) =>
        job.Status?.Conditions?.Any(c => c.Type is "Complete" or "Failed" && c.Status == "True") == true;

    private void StartPod(V1Job job)
    {
        var template = job.Spec.Template;
        var pod = new V1Pod
        {
            ApiVersion = "v1",
            Kind = "Pod",
            Metadata = new V1ObjectMeta
            {
                GenerateName = job.Metadata.Name + "-",
                NamespaceProperty = job.Metadata.NamespaceProperty,
                Labels = new Dictionary<string, string>(template.Metadata?.Labels ?? new Dictionary<string, string>()),
                Annotations = template.Metadata?.Annotations is { } annotations ? new Dictionary<string, string>(annotations) : null,
                OwnerReferences =
                [
                    new V1OwnerReference
                    {
                        ApiVersion = "batch/v1", Kind = "Job", Name = job.Metadata.Name, Uid = job.Metadata.Uid,
                        Controller = true, BlockOwnerDeletion = true,
                    },
                ],
            },
            Spec = KubeStrictJson.Clone(template.Spec),
            Status = new V1PodStatus { Phase = "Pending" },
        };
        server.CreateObject(KubeResource.Pods, pod);
        server.Store.Update<V1Job>(KubeResource.Jobs, job.Metadata.NamespaceProperty, job.Metadata.Name, j =>
        {
            j.Status.Active = 1;
            j.Status.StartTime ??= Now();
        });
    }

    private void Settle(V1Job job, Action<V1Job> change) =>
        server.Store.Update<V1Job>(KubeResource.Jobs, job.Metadata.NamespaceProperty, job.Metadata.Name, j =>
        {
            j.Status.Active = 0;
            change(j);
        });

    private void Fail(V1Job job, int failed, string reason, string? message)
    {
        job.Status.Failed = failed;
        AddCondition(job, "Failed", reason, message);
    }

    private void AddCondition(V1Job job, string type, string? reason, string? message)
    {
        job.Status.Conditions ??= [];
        job.Status.Conditions.Add(new V1JobCondition
        {
            Type = type, Status = "True", Reason = reason, Message = message,
            LastProbeTime = Now(), LastTransitionTime = Now(),
        });
    }

    // Kubernetes times have second precision.
    private DateTime Now()
    {
        var now = time.GetUtcNow().UtcDateTime;
        return now.AddTicks(-(now.Ticks % TimeSpan.TicksPerSecond));
    }
}
