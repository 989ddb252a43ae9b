using k8s.Models;

namespace KubeRunner.Testing.Tests.FakeKubernetes;

internal static class FakeKubeTestJobs
{
    /// <summary>A minimal Job as the backend would post it: generateName, one container, no retries.</summary>
    public static V1Job NewJob() => new()
    {
        ApiVersion = "batch/v1",
        Kind = "Job",
        Metadata = new V1ObjectMeta { GenerateName = "task-", Labels = new Dictionary<string, string> { ["kube-runner/runner"] = "runner-1" } },
        Spec = new V1JobSpec
        {
            BackoffLimit = 0,
            Template = new V1PodTemplateSpec
            {
                Metadata = new V1ObjectMeta { Labels = new Dictionary<string, string> { ["kube-runner/runner"] = "runner-1" } },
                Spec = new V1PodSpec
                {
                    RestartPolicy = "Never",
                    Containers = [new V1Container { Name = "job", Image = "alpine:3.20", Command = ["/bin/true"] }],
                },
            },
        },
    };
}
