using k8s;
using k8s.Models;
using KubeRunner.Agent.Backends.Docker.Spec;
using KubeRunner.Agent.Backends.Kubernetes.Spec;
using KubeRunner.Agent.Configuration;

namespace KubeRunner.Agent.Tests.Backends.Kubernetes;

public sealed class KubernetesJobBuilderTests
{
    private const string Token = "executor-token-4f1c9e";
    private const string TaskSecret = "hunter2-task-secret";

    private static readonly KubernetesProfile Heavy = new()
    {
        Image = "debian:bookworm",
        ExecutorImage = "registry.example/kube-runner-executor:1",
        Requests = Map(("cpu", "16"), ("memory", "64Gi"), ("ephemeral-storage", "100Gi")),
        Caps = Map(("cpu", "32"), ("memory", "96Gi")),
        NodeSelector = Map(("pool", "big")),
        Tolerations = [new V1Toleration { Key = "dedicated", OperatorProperty = "Equal", Value = "ci", Effect = "NoSchedule" }],
        PriorityClass = "ci-high",
        ImagePullSecrets = ["registry-a"],
        SecurityContext = new V1SecurityContext { AllowPrivilegeEscalation = false },
        Labels = Map(("team", "seaspots")),
    };

    [Fact]
    public void Build_HeavyProfile_MatchesGoldenFileAndReadsBackStrictly()
    {
        var objects = KubernetesJobBuilder.Build(Request(Heavy, SeaspotsContainer(""), [Service("db", "postgres:16")]));

        var yaml = KubernetesYaml.Serialize(objects.Job);
        var expected = File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "Backends", "Kubernetes", "Golden", "heavy-job.yaml"));
        Assert.Equal(expected, yaml);

        // Unknown fields fail: the golden file is what the API server would be sent, field for field.
        var readBack = KubernetesYaml.Deserialize<V1Job>(expected, strict: true);
        Assert.Equal(expected, KubernetesYaml.Serialize(readBack));
    }

    [Fact]
    public void TaskObjects_SameTaskIdOfTwoRunners_GetDifferentNames()
    {
        var first = KubernetesNames.TaskObjects(42, "0B6E4C5A-1d2f-4a8e-9c3b-7e5d6f4a3b2c");
        var second = KubernetesNames.TaskObjects(42, "9f1c2d3e-0000-4000-8000-000000000000");

        Assert.Equal(("kube-runner-task-42-0b6e4c5a", "kube-runner-task-42-9f1c2d3e"), (first, second));
        Assert.True(KubernetesNames.IsLabelName(KubernetesNames.TaskObjects(long.MaxValue, "ffffffff-ffff")));
    }

    [Fact]
    public void StrictReadBack_UnknownField_Fails()
    {
        var yaml = KubernetesYaml.Serialize(KubernetesJobBuilder.Build(Request(Heavy, SeaspotsContainer(""), [])).Job)
            .Replace("  backoffLimit: 0\n", "  backoffLimit: 0\n  backofLimit: 0\n", StringComparison.Ordinal);

        Assert.ThrowsAny<Exception>(() => KubernetesYaml.Deserialize<V1Job>(yaml, strict: true));
    }

    [Fact]
    public void Build_HeavyProfile_SetsTheJobFieldsTheIssueAsksFor()
    {
        var job = KubernetesJobBuilder.Build(Request(Heavy, SeaspotsContainer(""), [Service("db", "postgres:16")])).Job;

        Assert.Equal(0, job.Spec.BackoffLimit);
        Assert.Equal((long)TimeSpan.FromHours(3).TotalSeconds + 300, job.Spec.ActiveDeadlineSeconds);
        Assert.NotNull(job.Spec.TtlSecondsAfterFinished);
        var rule = Assert.Single(job.Spec.PodFailurePolicy.Rules);
        Assert.Equal(("FailJob", "DisruptionTarget"), (rule.Action, Assert.Single(rule.OnPodConditions).Type));
        var pod = job.Spec.Template.Spec;
        Assert.Equal("Never", pod.RestartPolicy);
        Assert.False(pod.AutomountServiceAccountToken);
        var main = Assert.Single(pod.Containers);
        Assert.Equal("registry.gitlab.com/seaspots/tools/seaspots-s57-utils:1.11.0", main.Image);
        Assert.Equal([KubernetesJobBuilder.Executable], main.Command);
        Assert.Equal("16", main.Resources.Requests["cpu"].ToString());
        Assert.Equal("64Gi", main.Resources.Limits["memory"].ToString());
        Assert.Equal("100Gi", main.Resources.Limits["ephemeral-storage"].ToString());
        Assert.Equal("90Gi", pod.Volumes.Single(v => v.Name == "workspace").EmptyDir.SizeLimit.ToString());
        Assert.Equal(["executor", "db"], pod.InitContainers.Select(c => c.Name));
        Assert.Null(pod.InitContainers[0].RestartPolicy);
        Assert.Equal("Always", pod.InitContainers[1].RestartPolicy);
        Assert.Equal("registry.example/kube-runner-executor:1", pod.InitContainers[0].Image);
    }

    [Fact]
    public void Build_Labels_CarryTaskIdentitySanitised()
    {
        var request = Request(Heavy, SeaspotsContainer(""), []) with { Repository = "seaspots/Tools & Co", JobId = "build (linux, 1)" };

        var job = KubernetesJobBuilder.Build(request).Job;

        var labels = job.Metadata.Labels;
        Assert.Equal("42", labels[KubernetesLabels.TaskId]);
        Assert.Equal("0b6e4c5a-1d2f-4a8e-9c3b-7e5d6f4a3b2c", labels[KubernetesLabels.RunnerUuid]);
        Assert.Equal("seaspots_Tools___Co", labels[KubernetesLabels.Repository]);
        Assert.Equal("build__linux__1", labels[KubernetesLabels.Job]);
        Assert.Equal("seaspots", labels["team"]);
        Assert.All(labels.Values, value => Assert.True(KubernetesNames.IsLabelValue(value), value));
        Assert.Equal("seaspots/Tools & Co", job.Metadata.Annotations[KubernetesLabels.Repository]);
        Assert.Equal(labels, job.Spec.Template.Metadata.Labels);
    }

    [Theory]
    [InlineData("--memory 128Gi", "container.options --memory 128Gi is above the cap 96Gi of profile 'heavy' (max_memory)")]
    [InlineData("--cpus=33", "container.options --cpus 33 is above the cap 32 of profile 'heavy' (max_cpu)")]
    [InlineData("--ephemeral-storage 200Gi", "container.options --ephemeral-storage 200Gi: the profile 'heavy' lets workflows change no ephemeral-storage (its admin sets max_ephemeral_storage for that)")]
    [InlineData("--memory 32gb", "container.options --memory: '32gb' is not a Kubernetes quantity such as 16, 500m, 64Gi or 100G")]
    [InlineData("--privileged", "container.options: '--privileged' is not supported on Kubernetes (use --cpus, --memory or --ephemeral-storage)")]
    public void Build_WorkflowAsksTooMuch_FailsWithOneLineNamingValueAndCap(string options, string expected)
    {
        var error = Assert.Throws<KubernetesSpecException>(() => KubernetesJobBuilder.Build(Request(Heavy, SeaspotsContainer(options), [])));

        Assert.Equal(expected, error.Message);
    }

    [Fact]
    public void Build_WorkflowAsksWithinCaps_BecomesRequestAndLimit()
    {
        var main = KubernetesJobBuilder.Build(Request(Heavy, SeaspotsContainer("--cpus 24 --memory 96Gi"), [])).Job.Spec.Template.Spec.Containers[0];

        Assert.Equal(("24", "24"), (main.Resources.Requests["cpu"].ToString(), main.Resources.Limits["cpu"].ToString()));
        Assert.Equal(("96Gi", "96Gi"), (main.Resources.Requests["memory"].ToString(), main.Resources.Limits["memory"].ToString()));
    }

    [Fact]
    public void Build_Secrets_OnlyTheExecutorTokenAndOnlyInTheSecret()
    {
        var objects = KubernetesJobBuilder.Build(Request(Heavy, SeaspotsContainer(""), [Service("db", "postgres:16")]));

        Assert.DoesNotContain(Token, KubernetesYaml.Serialize(objects.Job), StringComparison.Ordinal);
        Assert.DoesNotContain(TaskSecret, KubernetesYaml.Serialize(objects.Job), StringComparison.Ordinal);
        Assert.DoesNotContain(TaskSecret, KubernetesYaml.Serialize(objects.Secret), StringComparison.Ordinal);
        Assert.Equal(Token, objects.Secret.StringData[KubernetesJobBuilder.TokenKey]);
        Assert.Equal(objects.Job.Metadata.Name, objects.Secret.Metadata.Name);
    }

    [Fact]
    public void Build_ServiceEnvHoldsATaskSecret_IsRefused()
    {
        var db = Service("db", "postgres:16") with { Env = [new("POSTGRES_PASSWORD", TaskSecret)] };

        var error = Assert.Throws<KubernetesSpecException>(() => KubernetesJobBuilder.Build(Request(Heavy, SeaspotsContainer(""), [db])));

        Assert.Equal("service 'db': env POSTGRES_PASSWORD holds a secret, and secrets are never put into Kubernetes objects; pass it in a step's env instead", error.Message);
    }

    [Fact]
    public void Build_NoImageAnywhere_SaysWhereToSetOne()
    {
        var error = Assert.Throws<KubernetesSpecException>(() => KubernetesJobBuilder.Build(Request(Heavy with { Image = "" }, WorkflowContainer.None, [])));

        Assert.Equal("the job names no container.image and profile 'heavy' has no image; set one of them", error.Message);
    }

    [Theory]
    [InlineData(KubernetesProfile.EvictionNone, false, false)]
    [InlineData(KubernetesProfile.EvictionPdb, true, false)]
    [InlineData(KubernetesProfile.EvictionAnnotation, false, true)]
    public void Build_EvictionProtection_MakesABudgetOrAnnotates(string protection, bool budget, bool annotated)
    {
        var objects = KubernetesJobBuilder.Build(Request(Heavy with { EvictionProtection = protection }, SeaspotsContainer(""), []));

        Assert.Equal(budget, objects.DisruptionBudget is not null);
        Assert.Equal(annotated, objects.Job.Spec.Template.Metadata.Annotations.ContainsKey("karpenter.sh/do-not-disrupt"));
        if (objects.DisruptionBudget is { } pdb)
        {
            Assert.Equal("42", pdb.Spec.Selector.MatchLabels[KubernetesLabels.TaskId]);
            Assert.Equal("0", pdb.Spec.MaxUnavailable.Value);
        }
    }

    [Fact]
    public void Build_ProfileAsksForTheToken_MountsIt()
    {
        var pod = KubernetesJobBuilder.Build(Request(Heavy with { AutomountServiceAccountToken = true, ServiceAccount = "builder" }, SeaspotsContainer(""), [])).Job.Spec.Template.Spec;

        Assert.True(pod.AutomountServiceAccountToken);
        Assert.Equal("builder", pod.ServiceAccountName);
    }

    private static KubernetesJobRequest Request(KubernetesProfile profile, WorkflowContainer container, IReadOnlyList<WorkflowContainer> services) => new(
        profile,
        "heavy",
        "kube-runner",
        "0b6e4c5a-1d2f-4a8e-9c3b-7e5d6f4a3b2c",
        42,
        "seaspots/tools",
        "17",
        "build",
        container,
        services,
        TimeSpan.FromHours(3),
        TimeSpan.FromMinutes(15),
        "http://kube-runner.kube-runner.svc:8081",
        Token,
        [TaskSecret]);

    private static WorkflowContainer SeaspotsContainer(string options) =>
        WorkflowContainer.None with { Image = "registry.gitlab.com/seaspots/tools/seaspots-s57-utils:1.11.0", Options = options, Env = [new("LANG", "C.UTF-8")] };

    private static WorkflowContainer Service(string id, string image) => WorkflowContainer.None with { ServiceId = id, Image = image };

    private static System.Collections.Immutable.ImmutableSortedDictionary<string, string> Map(params (string Key, string Value)[] entries) =>
        KubernetesProfile.Empty.SetItems(entries.Select(e => new KeyValuePair<string, string>(e.Key, e.Value)));
}
