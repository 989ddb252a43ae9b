using k8s.Models;
using KubeRunner.Testing.Chart;

namespace KubeRunner.Chart.Tests;

/// <summary>The Roles grant what the agent calls (issue 7's list for the backend and the registration Secret), no more.</summary>
public sealed class ChartRbacTests
{
    private static readonly string[] JobsRules =
    [
        "batch/jobs:create", "batch/jobs:delete", "batch/jobs:get", "batch/jobs:list", "batch/jobs:patch", "batch/jobs:watch",
        "/pods/log:get", "/pods:list", "/pods:watch",
        "/secrets:create", "/secrets:delete", "/secrets:get", "/secrets:list", "/secrets:patch",
    ];

    private const string BudgetRule = "policy/poddisruptionbudgets:create";

    [Fact]
    public async Task JobsRole_Defaults_GrantsExactlyTheBackendsCallsInTheReleaseNamespace()
    {
        var role = Assert.Single(await ChartRender.ObjectsAsync<V1Role>(), r => r.Metadata.Name == "kube-runner-jobs");

        Assert.Equal(ChartRender.ReleaseNamespace, role.Metadata.NamespaceProperty);
        Assert.Equal(JobsRules.Order(StringComparer.Ordinal), Grants(role));
    }

    [Fact]
    public async Task JobsRoles_JobsInOtherNamespaces_AreInEachOfThemOnly()
    {
        var rendering = await ChartScenarios.RenderAsync("ci-jobs-namespace");

        var jobs = rendering.Objects<V1Role>().Where(r => r.Metadata.Name == "kube-runner-jobs").ToList();

        // jobs.namespace, and the namespace of the profile `small`; none in the release's namespace.
        Assert.Equal(["ci-jobs", "ci-small"], jobs.Select(r => r.Metadata.NamespaceProperty).Order());
        Assert.All(jobs, role => Assert.Equal(JobsRules.Order(StringComparer.Ordinal), Grants(role)));
        Assert.Equal(ChartRender.ReleaseNamespace, rendering.Named<V1Role>("kube-runner-registration").Metadata.NamespaceProperty);
    }

    [Fact]
    public async Task JobsRole_ProfileWithPdbEvictionProtection_MayCreateBudgets()
    {
        var role = (await ChartScenarios.RenderAsync("ci-pdb")).Named<V1Role>("kube-runner-jobs");

        Assert.Equal(JobsRules.Append(BudgetRule).Order(StringComparer.Ordinal), Grants(role));
    }

    [Fact]
    public async Task JobsRoles_PdbProfileInItsOwnNamespace_GrantsBudgetsThereOnly()
    {
        var roles = await ChartRender.ObjectsAsync<V1Role>("profiles.big.namespace=big-jobs", "profiles.big.eviction_protection=pdb", "profiles.big.cpu=32");

        Assert.Contains(BudgetRule, Grants(roles.Single(r => r.Metadata.Name == "kube-runner-jobs" && r.Metadata.NamespaceProperty == "big-jobs")));
        Assert.DoesNotContain(BudgetRule, Grants(roles.Single(r => r.Metadata.Name == "kube-runner-jobs" && r.Metadata.NamespaceProperty == ChartRender.ReleaseNamespace)));
    }

    [Fact]
    public async Task JobsRole_BudgetsValue_GrantsBudgetsWithoutAPdbProfile()
    {
        var role = Assert.Single(await ChartRender.ObjectsAsync<V1Role>("rbac.podDisruptionBudgets=true"), r => r.Metadata.Name == "kube-runner-jobs");

        Assert.Contains(BudgetRule, Grants(role));
    }

    [Fact]
    public async Task RegistrationRole_Defaults_ReadsAndUpdatesOnlyTheRunnerSecret()
    {
        var role = (await ChartScenarios.RenderAsync(ChartScenarios.Default)).Named<V1Role>("kube-runner-registration");

        var named = Assert.Single(role.Rules, r => r.ResourceNames is { Count: > 0 });
        Assert.Equal(["secrets"], named.Resources);
        Assert.Equal(["kube-runner-runner"], named.ResourceNames);
        Assert.Equal(["get", "update"], named.Verbs.Order(StringComparer.Ordinal));
        // Kubernetes cannot limit create by name: the name is not known when the request is authorised.
        var create = Assert.Single(role.Rules, r => r.ResourceNames is null or { Count: 0 });
        Assert.Equal(["secrets"], create.Resources);
        Assert.Equal(["create"], create.Verbs);
        Assert.All(role.Rules, rule => Assert.Equal([""], rule.ApiGroups));
    }

    [Theory]
    [MemberData(nameof(ChartScenarios.All), MemberType = typeof(ChartScenarios))]
    public async Task RoleBindings_Scenario_BindTheDeploymentsServiceAccountToARoleOfTheirNamespace(string scenario)
    {
        var rendering = await ChartScenarios.RenderAsync(scenario);
        var account = rendering.Named<V1Deployment>(ChartRender.ReleaseName).Spec.Template.Spec.ServiceAccountName;
        var roles = rendering.Objects<V1Role>();

        Assert.All(rendering.Objects<V1RoleBinding>(), binding =>
        {
            var subject = Assert.Single(binding.Subjects);
            Assert.Equal(("ServiceAccount", account, ChartRender.ReleaseNamespace), (subject.Kind, subject.Name, subject.NamespaceProperty));
            Assert.Equal(("Role", "rbac.authorization.k8s.io"), (binding.RoleRef.Kind, binding.RoleRef.ApiGroup));
            Assert.Contains(roles, role => role.Metadata.Name == binding.RoleRef.Name && role.Metadata.NamespaceProperty == binding.Metadata.NamespaceProperty);
        });
    }

    [Fact]
    public async Task Rbac_CreateOff_MakesNoRoles()
    {
        var rendering = await ChartRender.RenderAsync("rbac.create=false");

        Assert.Empty(rendering.Objects<V1Role>());
        Assert.Empty(rendering.Objects<V1RoleBinding>());
    }

    [Fact]
    public async Task ServiceAccount_CreateOffWithName_UsesThatAccountEverywhere()
    {
        var rendering = await ChartRender.RenderAsync("serviceAccount.create=false", "serviceAccount.name=ci-agent");

        Assert.Empty(rendering.Objects<V1ServiceAccount>());
        Assert.Equal("ci-agent", rendering.Named<V1Deployment>(ChartRender.ReleaseName).Spec.Template.Spec.ServiceAccountName);
        Assert.All(rendering.Objects<V1RoleBinding>(), binding => Assert.Equal("ci-agent", binding.Subjects.Single().Name));
    }

    /// <summary>A Role's rules as sorted "group/resource:verb" strings (resourceNames-limited rules are left out).</summary>
    internal static IReadOnlyList<string> Grants(V1Role role) =>
        [.. role.Rules.Where(r => r.ResourceNames is null or { Count: 0 })
            .SelectMany(r => r.ApiGroups.SelectMany(g => r.Resources.SelectMany(res => r.Verbs.Select(v => $"{g}/{res}:{v}"))))
            .Order(StringComparer.Ordinal)];
}
