using k8s.Models;
using KubeRunner.Agent.Configuration;
using KubeRunner.Testing.Chart;

namespace KubeRunner.Chart.Tests;

/// <summary>The ConfigMap's config.yaml loads in the agent without a warning and says what the values say.</summary>
public sealed class ChartConfigTests
{
    [Theory]
    [MemberData(nameof(ChartScenarios.All), MemberType = typeof(ChartScenarios))]
    public async Task Config_Scenario_LoadsWithoutWarning(string scenario)
    {
        var config = ChartConfig.Load(await ChartScenarios.RenderAsync(scenario));

        Assert.Empty(config.Warnings);
        Assert.NotEmpty(config.Kubernetes.Profiles);
        Assert.Equal(config.Kubernetes.Profiles.Keys.Select(name => $"{name}:kubernetes"), config.Runner.Labels);
    }

    [Fact]
    public async Task Config_Defaults_HeavyProfileHas16CpuAnd64GiAnd100GiOfEphemeralStorage()
    {
        var config = ChartConfig.Load(await ChartScenarios.RenderAsync(ChartScenarios.Default));

        var heavy = Assert.Single(config.Kubernetes.Profiles, p => p.Key == "heavy").Value;
        Assert.Equal(("16", "64Gi", "100Gi"), (heavy.Requests["cpu"], heavy.Requests["memory"], heavy.Requests["ephemeral-storage"]));
        Assert.Equal("kube-runner-executor:0.1.0", heavy.ExecutorImage);
        Assert.False(string.IsNullOrEmpty(heavy.Image));
        Assert.Equal(["heavy:kubernetes"], config.Runner.Labels);
    }

    [Theory]
    [MemberData(nameof(ChartScenarios.All), MemberType = typeof(ChartScenarios))]
    public async Task Config_Scenario_MatchesTheInPodLayout(string scenario)
    {
        var rendering = await ChartScenarios.RenderAsync(scenario);
        var config = ChartConfig.Load(rendering);
        var agent = rendering.Named<V1Deployment>(ChartRender.ReleaseName).Spec.Template.Spec.Containers[0];
        var service = rendering.Named<V1Service>(ChartRender.ReleaseName);
        var ports = agent.Ports.ToDictionary(p => p.Name, p => p.ContainerPort);

        Assert.Equal(ports["executor"], ListenAddress.Parse(config.Executor.Listen, "executor.listen").Port);
        Assert.Equal(ports["http"], ListenAddress.Parse(config.Http.Listen, "http.listen").Port);
        var executorPort = service.Spec.Ports.Single(p => p.Name == "executor").Port;
        Assert.Equal($"http://{service.Metadata.Name}.{service.Metadata.NamespaceProperty}.svc:{executorPort}", config.Kubernetes.AgentAddress);
        Assert.Equal("/var/lib/kube-runner", config.Host.WorkdirParent);
        Assert.Equal("/etc/kube-runner/token/token", config.Registration.TokenFile);
        Assert.Equal(("kube-runner-runner", ChartRender.ReleaseNamespace), (config.Registration.Secret, config.Registration.Namespace));
        Assert.True(config.Registration.Enabled);
    }

    [Fact]
    public async Task Config_Defaults_RegisterWithTheForgeUnderTheReleaseName()
    {
        var config = ChartConfig.Load(await ChartScenarios.RenderAsync(ChartScenarios.Default));

        Assert.Equal(("https://forge.example", "kube-runner"), (config.Registration.Instance, config.Registration.Name));
        Assert.Equal(ChartRender.ReleaseNamespace, config.Kubernetes.Namespace);
        Assert.Equal((1, TimeSpan.FromHours(3)), (config.Runner.Capacity, config.Runner.Timeout));
    }

    [Fact]
    public async Task Config_JobsNamespaceScenario_SetsItsNamespacesNameAndCapacity()
    {
        var config = ChartConfig.Load(await ChartScenarios.RenderAsync("ci-jobs-namespace"));

        Assert.Equal(("ci-jobs", "ci-small"), (config.Kubernetes.Namespace, config.Kubernetes.Profiles["small"].Namespace));
        Assert.Equal(("crunchy-k8s", 4), (config.Registration.Name, config.Runner.Capacity));
        Assert.Equal("registry.example/kube-runner-executor:0.1.0", config.Kubernetes.Profiles["heavy"].ExecutorImage);
        Assert.Equal("debug", config.Log.Level);
    }

    [Fact]
    public async Task Config_ExtraConfig_IsCopiedOverKeyByKey()
    {
        var rendering = await ChartRender.RenderAsync(
            "extraConfig.kubernetes.kubeconfig=/etc/kube-runner/kubeconfig", "extraConfig.kubernetes.profiles.heavy.max_memory=96Gi",
            "extraConfig.runner.report_interval=3s");

        var config = ChartConfig.Load(rendering);

        Assert.Empty(config.Warnings);
        Assert.Equal("/etc/kube-runner/kubeconfig", config.Kubernetes.Kubeconfig);
        Assert.Equal(TimeSpan.FromSeconds(3), config.Runner.ReportInterval);
        // The keys beside the copied ones stay.
        var heavy = config.Kubernetes.Profiles["heavy"];
        Assert.Equal(("96Gi", "64Gi"), (heavy.Caps["memory"], heavy.Requests["memory"]));
        Assert.Equal(ChartRender.ReleaseNamespace, config.Kubernetes.Namespace);
        Assert.Equal(["heavy:kubernetes"], config.Runner.Labels);
    }

    [Fact]
    public async Task Config_ProfileAndExtraLabels_BecomeRunnerLabels()
    {
        var values = Path.Combine(Path.GetTempPath(), $"kube-runner-chart-{Guid.NewGuid():N}.yaml");
        await File.WriteAllTextAsync(values, "runner:\n  extraLabels: [\"spare:kubernetes\"]\n");
        try
        {
            var config = ChartConfig.Load(await ChartRender.RenderAsync(ChartValues.Required with
            {
                Files = [values],
                Sets = [.. ChartRender.RequiredSets, "profiles.small.cpu=1"],
            }));

            Assert.Equal(["heavy:kubernetes", "small:kubernetes", "spare:kubernetes"], config.Runner.Labels);
            Assert.Equal("kube-runner-executor:0.1.0", config.Kubernetes.Profiles["small"].ExecutorImage);
        }
        finally
        {
            File.Delete(values);
        }
    }

    [Fact]
    public async Task Config_ProfileNamingItsExecutorImage_KeepsIt()
    {
        var config = ChartConfig.Load(await ChartRender.RenderAsync("profiles.heavy.executor_image=mirror.example/executor:7"));

        Assert.Equal("mirror.example/executor:7", config.Kubernetes.Profiles["heavy"].ExecutorImage);
    }

    [Fact]
    public async Task Render_NoProfileAndNoLabel_FailsSayingWhatToSet()
    {
        var error = await Assert.ThrowsAsync<ChartRenderException>(() => ChartRender.RenderAsync("profiles.heavy=null"));

        Assert.Contains("no runner label", error.Message, StringComparison.Ordinal);
    }
}
