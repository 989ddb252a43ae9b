using k8s.Models;
using KubeRunner.Agent.Backends.Docker.Spec;
using KubeRunner.Agent.Backends.Kubernetes.Spec;
using KubeRunner.Agent.Configuration;
using KubeRunner.Testing.Chart;

namespace KubeRunner.Chart.Tests;

/// <summary>
/// The NetworkPolicies and Roles fit the objects the Kubernetes backend really makes: a Job built by
/// the agent's own KubernetesJobBuilder from the rendered config is selected by the job policy, may
/// reach the agent's executor port, and lands in a namespace where the agent holds a Role.
/// </summary>
public sealed class ChartNetworkPolicyTests
{
    [Theory]
    [MemberData(nameof(ChartScenarios.All), MemberType = typeof(ChartScenarios))]
    public async Task Policies_Scenario_FitTheJobsTheBackendBuilds(string scenario)
    {
        var rendering = await ChartScenarios.RenderAsync(scenario);
        var config = ChartConfig.Load(rendering);
        var agentPolicy = rendering.Named<V1NetworkPolicy>("kube-runner-agent");
        var agentPod = rendering.Named<V1Deployment>(ChartRender.ReleaseName).Spec.Template;

        foreach (var (label, profile) in config.Kubernetes.Profiles)
        {
            var objects = KubernetesJobBuilder.Build(Request(config, label, profile));
            var ns = objects.Job.Metadata.NamespaceProperty;
            var podLabels = objects.Job.Spec.Template.Metadata.Labels;

            var jobPolicy = rendering.Named<V1NetworkPolicy>("kube-runner-jobs", ns);
            Assert.True(Selects(jobPolicy.Spec.PodSelector, podLabels), $"the job policy in {ns} does not select the pods of {label}");
            Assert.False(Selects(jobPolicy.Spec.PodSelector, agentPod.Metadata.Labels), "the job policy must not select the agent");
            // Job → agent: allowed by the job's egress and by the agent's ingress, on the executor port.
            var toAgent = Assert.Single(jobPolicy.Spec.Egress, rule => rule.To?.Any(peer => peer.PodSelector is not null) == true);
            Assert.True(Selects(toAgent.To.Single().PodSelector, agentPod.Metadata.Labels));
            Assert.Equal(ChartRender.ReleaseNamespace, toAgent.To.Single().NamespaceSelector.MatchLabels["kubernetes.io/metadata.name"]);
            Assert.Equal("8081", toAgent.Ports.Single().Port.Value);
            var fromJobs = agentPolicy.Spec.Ingress.Single(rule => rule.Ports.Single().Port.Value == "8081");
            Assert.Contains(fromJobs.FromProperty, peer => Selects(peer.PodSelector, podLabels)
                && (peer.NamespaceSelector is null ? ns == ChartRender.ReleaseNamespace : peer.NamespaceSelector.MatchLabels["kubernetes.io/metadata.name"] == ns));

            // A task's PodDisruptionBudget needs the grant; the grant is per namespace, so another
            // profile of the namespace may have it without making budgets.
            var role = rendering.Named<V1Role>("kube-runner-jobs", ns);
            Assert.True(objects.DisruptionBudget is null || ChartRbacTests.Grants(role).Contains("policy/poddisruptionbudgets:create"),
                $"profile {label} makes PodDisruptionBudgets in {ns}, which its Role does not allow");
        }
    }

    [Theory]
    [MemberData(nameof(ChartScenarios.All), MemberType = typeof(ChartScenarios))]
    public async Task Policies_Scenario_PortsAreTheAgentsContainerPorts(string scenario)
    {
        var rendering = await ChartScenarios.RenderAsync(scenario);
        var ports = rendering.Named<V1Deployment>(ChartRender.ReleaseName).Spec.Template.Spec.Containers[0].Ports
            .Select(p => p.ContainerPort.ToString(System.Globalization.CultureInfo.InvariantCulture)).ToHashSet();

        var agentPolicy = rendering.Named<V1NetworkPolicy>("kube-runner-agent");

        Assert.Equal(["Ingress"], agentPolicy.Spec.PolicyTypes);
        Assert.Equal(ports, agentPolicy.Spec.Ingress.SelectMany(rule => rule.Ports.Select(p => p.Port.Value)).ToHashSet());
    }

    [Fact]
    public async Task JobPolicy_Defaults_AllowsDnsAndEveryOtherDestinationButNoIngress()
    {
        var policy = (await ChartScenarios.RenderAsync(ChartScenarios.Default)).Named<V1NetworkPolicy>("kube-runner-jobs");

        Assert.Equal(["Ingress", "Egress"], policy.Spec.PolicyTypes);
        Assert.Empty(policy.Spec.Ingress);
        Assert.Contains(policy.Spec.Egress, rule => rule.To is null && rule.Ports?.Any(p => p.Port.Value == "53" && p.Protocol == "UDP") == true);
        // The default jobEgress: one empty rule, every destination (jobs fetch sources and packages).
        Assert.Contains(policy.Spec.Egress, rule => rule.To is null && rule.Ports is null);
    }

    [Fact]
    public async Task JobPolicy_FencedScenario_AllowsOnlyTheGivenDestinations()
    {
        var policy = (await ChartScenarios.RenderAsync("ci-pdb")).Named<V1NetworkPolicy>("kube-runner-jobs");

        Assert.DoesNotContain(policy.Spec.Egress, rule => rule.To is null && rule.Ports is null);
        var internet = Assert.Single(policy.Spec.Egress, rule => rule.To?.Any(peer => peer.IpBlock?.Cidr == "0.0.0.0/0") == true);
        Assert.Contains("10.0.0.0/8", internet.To.Single().IpBlock.Except);
        Assert.Contains(policy.Spec.Egress, rule => rule.To?.Any(peer => peer.IpBlock?.Cidr == "192.168.1.10/32") == true);
    }

    [Fact]
    public async Task AgentPolicy_HttpFromGiven_LimitsTheHttpPortToIt()
    {
        var policy = (await ChartScenarios.RenderAsync("ci-jobs-namespace")).Named<V1NetworkPolicy>("kube-runner-agent");

        var http = policy.Spec.Ingress.Single(rule => rule.Ports.Single().Port.Value == "8080");

        Assert.Equal("monitoring", http.FromProperty.Single().NamespaceSelector.MatchLabels["kubernetes.io/metadata.name"]);
    }

    [Fact]
    public async Task Policies_Disabled_AreNotMade()
    {
        Assert.Empty(await ChartRender.ObjectsAsync<V1NetworkPolicy>("networkPolicy.enabled=false"));
    }

    private static KubernetesJobRequest Request(RunnerConfig config, string label, KubernetesProfile profile) =>
        new(profile, label, config.Kubernetes.Namespace, "0b6e4c5a-1d2f-4a8e-9c3b-7e5d6f4a3b2c", 42, "seaspots/tiles", "7", "build",
            WorkflowContainer.None with { Image = "debian:bookworm" }, [], config.Runner.Timeout, config.Executor.ReconnectWindow,
            config.Kubernetes.AgentAddress, "executor-token", []);

    // Kubernetes' label selector semantics for the operators the chart uses.
    private static bool Selects(V1LabelSelector selector, IDictionary<string, string> labels) =>
        (selector.MatchLabels ?? new Dictionary<string, string>()).All(l => labels.TryGetValue(l.Key, out var value) && value == l.Value)
        && (selector.MatchExpressions ?? []).All(e => e.OperatorProperty switch
        {
            "Exists" => labels.ContainsKey(e.Key),
            "DoesNotExist" => !labels.ContainsKey(e.Key),
            "In" => labels.TryGetValue(e.Key, out var value) && e.Values.Contains(value),
            "NotIn" => !labels.TryGetValue(e.Key, out var value) || !e.Values.Contains(value),
            _ => throw new InvalidOperationException($"unknown selector operator {e.OperatorProperty}"),
        });
}
