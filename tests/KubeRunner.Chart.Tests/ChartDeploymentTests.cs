using System.Security.Cryptography;
using System.Text;
using k8s.Models;
using KubeRunner.Testing.Chart;

namespace KubeRunner.Chart.Tests;

/// <summary>The agent's Deployment and Service agree with each other and with the in-pod layout the agent expects.</summary>
public sealed class ChartDeploymentTests
{
    [Theory]
    [MemberData(nameof(ChartScenarios.All), MemberType = typeof(ChartScenarios))]
    public async Task Deployment_Scenario_RunsTheDaemonWithTheMountedConfig(string scenario)
    {
        var rendering = await ChartScenarios.RenderAsync(scenario);
        var deployment = rendering.Named<V1Deployment>(ChartRender.ReleaseName);
        var pod = deployment.Spec.Template.Spec;
        var agent = Assert.Single(pod.Containers);

        Assert.Equal(1, deployment.Spec.Replicas);
        Assert.Equal("Recreate", deployment.Spec.Strategy.Type);
        Assert.Null(agent.Command);
        Assert.Equal(["daemon", "--config", "/etc/kube-runner/config.yaml"], agent.Args);
        var config = Assert.Single(agent.VolumeMounts, m => m.MountPath == "/etc/kube-runner");
        Assert.True(config.ReadOnlyProperty);
        var sources = Assert.Single(pod.Volumes, v => v.Name == config.Name).Projected.Sources;
        var configMap = Assert.Single(sources, s => s.ConfigMap is not null).ConfigMap;
        Assert.Equal((ChartRender.ReleaseName, "config.yaml", "config.yaml"), (configMap.Name, configMap.Items.Single().Key, configMap.Items.Single().Path));
        var token = Assert.Single(sources, s => s.Secret is not null).Secret;
        Assert.Equal("token/token", token.Items.Single().Path);
        var data = Assert.Single(agent.VolumeMounts, m => m.MountPath == "/var/lib/kube-runner");
        Assert.NotNull(Assert.Single(pod.Volumes, v => v.Name == data.Name).EmptyDir);
        Assert.Equal("/var/lib/kube-runner", Assert.Single(agent.Env, e => e.Name == "HOME").Value);
        Assert.Equal("metadata.namespace", Assert.Single(agent.Env, e => e.Name == "POD_NAMESPACE").ValueFrom.FieldRef.FieldPath);
        Assert.Equal(pod.ServiceAccountName, rendering.Objects<V1ServiceAccount>().Single().Metadata.Name);
    }

    [Fact]
    public async Task Deployment_ExistingSecret_MountsItsKeyAsTheTokenFile()
    {
        var rendering = await ChartScenarios.RenderAsync("ci-jobs-namespace");
        var sources = rendering.Named<V1Deployment>(ChartRender.ReleaseName).Spec.Template.Spec.Volumes.Single(v => v.Projected is not null).Projected.Sources;

        var token = sources.Single(s => s.Secret is not null).Secret;

        Assert.Equal(("forgejo-runner-token", "registration-token", "token/token"), (token.Name, token.Items.Single().Key, token.Items.Single().Path));
    }

    [Theory]
    [MemberData(nameof(ChartScenarios.All), MemberType = typeof(ChartScenarios))]
    public async Task Deployment_Scenario_ProbesAskTheHttpContainerPort(string scenario)
    {
        var agent = (await ChartScenarios.RenderAsync(scenario)).Named<V1Deployment>(ChartRender.ReleaseName).Spec.Template.Spec.Containers[0];
        var ports = agent.Ports.ToDictionary(p => p.Name, p => p.ContainerPort);

        Assert.Equal(new Dictionary<string, int> { ["executor"] = 8081, ["http"] = 8080 }, ports);
        Assert.Equal(("/healthz", "http"), (agent.LivenessProbe.HttpGet.Path, agent.LivenessProbe.HttpGet.Port.Value));
        Assert.Equal(("/readyz", "http"), (agent.ReadinessProbe.HttpGet.Path, agent.ReadinessProbe.HttpGet.Port.Value));
        Assert.Equal(("/healthz", "http"), (agent.StartupProbe.HttpGet.Path, agent.StartupProbe.HttpGet.Port.Value));
        Assert.All(new[] { agent.LivenessProbe, agent.ReadinessProbe, agent.StartupProbe }, probe => Assert.True(probe.PeriodSeconds > 0));
    }

    [Theory]
    [MemberData(nameof(ChartScenarios.All), MemberType = typeof(ChartScenarios))]
    public async Task Service_Scenario_TargetsNamedContainerPortsOfTheAgentPod(string scenario)
    {
        var rendering = await ChartScenarios.RenderAsync(scenario);
        var template = rendering.Named<V1Deployment>(ChartRender.ReleaseName).Spec.Template;
        var service = rendering.Named<V1Service>(ChartRender.ReleaseName);
        var containerPorts = template.Spec.Containers[0].Ports.ToDictionary(p => p.Name, p => p.ContainerPort);

        Assert.Equal("ClusterIP", service.Spec.Type);
        // Running jobs' executors reach an agent that is not ready (the forge is down) all the same.
        Assert.True(service.Spec.PublishNotReadyAddresses);
        Assert.Equal(["executor", "http"], service.Spec.Ports.Select(p => p.Name).Order());
        Assert.All(service.Spec.Ports, port =>
        {
            Assert.True(containerPorts.TryGetValue(port.TargetPort.Value, out var target), $"targetPort {port.TargetPort.Value} is no container port");
            Assert.Equal(target, port.Port);
        });
        Assert.All(service.Spec.Selector, label => Assert.Equal(label.Value, template.Metadata.Labels[label.Key]));
        Assert.All(rendering.Named<V1Deployment>(ChartRender.ReleaseName).Spec.Selector.MatchLabels,
            label => Assert.Equal(label.Value, template.Metadata.Labels[label.Key]));
    }

    [Theory]
    [MemberData(nameof(ChartScenarios.All), MemberType = typeof(ChartScenarios))]
    public async Task Deployment_Scenario_RunsNonRootOnAReadOnlyRoot(string scenario)
    {
        var pod = (await ChartScenarios.RenderAsync(scenario)).Named<V1Deployment>(ChartRender.ReleaseName).Spec.Template.Spec;
        var security = pod.Containers[0].SecurityContext;

        Assert.Equal((true, 10001L), (pod.SecurityContext.RunAsNonRoot == true, pod.SecurityContext.RunAsUser!.Value));
        Assert.Equal((false, true), (security.AllowPrivilegeEscalation, security.ReadOnlyRootFilesystem));
        Assert.Equal(["ALL"], security.Capabilities.Drop);
        Assert.Equal("RuntimeDefault", security.SeccompProfile.Type);
        Assert.Contains(pod.Containers[0].VolumeMounts, m => m.MountPath == "/tmp");
        Assert.True(pod.TerminationGracePeriodSeconds >= 3600);
    }

    [Fact]
    public async Task Deployment_Defaults_HaveTheAgentsResources()
    {
        var resources = (await ChartScenarios.RenderAsync(ChartScenarios.Default)).Named<V1Deployment>(ChartRender.ReleaseName)
            .Spec.Template.Spec.Containers[0].Resources;

        Assert.Equal(("100m", "256Mi", "1Gi"), (resources.Requests["cpu"].ToString(), resources.Requests["memory"].ToString(), resources.Limits["memory"].ToString()));
        Assert.False(resources.Limits.ContainsKey("cpu"));
    }

    [Theory]
    [MemberData(nameof(ChartScenarios.All), MemberType = typeof(ChartScenarios))]
    public async Task Deployment_Scenario_ChecksumIsTheHashOfTheConfigMap(string scenario)
    {
        var rendering = await ChartScenarios.RenderAsync(scenario);
        var configMap = rendering.Documents.Single(d => d.Kind == "ConfigMap");

        var checksum = rendering.Named<V1Deployment>(ChartRender.ReleaseName).Spec.Template.Metadata.Annotations["checksum/config"];

        Assert.Equal(Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(configMap.Yaml))), checksum);
    }

    [Fact]
    public async Task Deployment_ConfigChanges_ChangesTheChecksumSoThePodRolls()
    {
        var before = await ChartScenarios.RenderAsync(ChartScenarios.Default);
        var after = await ChartRender.RenderAsync("runner.capacity=2");

        Assert.NotEqual(Checksum(before), Checksum(after));
    }

    [Fact]
    public async Task Deployment_SchedulingValues_ArePassedThrough()
    {
        var pod = (await ChartRender.RenderAsync("nodeSelector.pool=system", "priorityClassName=infra", "podLabels.team=ci", "podAnnotations.note=x"))
            .Named<V1Deployment>(ChartRender.ReleaseName).Spec.Template;

        Assert.Equal("system", pod.Spec.NodeSelector["pool"]);
        Assert.Equal("infra", pod.Spec.PriorityClassName);
        Assert.Equal("ci", pod.Metadata.Labels["team"]);
        Assert.Equal("x", pod.Metadata.Annotations["note"]);
    }

    private static string Checksum(ChartRendering rendering) =>
        rendering.Named<V1Deployment>(ChartRender.ReleaseName).Spec.Template.Metadata.Annotations["checksum/config"];
}
