using KubeRunner.Agent.Configuration;

namespace KubeRunner.Agent.Tests.Configuration;

public sealed class KubernetesProfileConfigTests : IDisposable
{
    private readonly ConfigTestHost _host = new();

    public void Dispose() => _host.Dispose();

    [Fact]
    public void Load_HeavyProfile_ReadsEveryKey()
    {
        var config = _host.Load("""
            kubernetes:
              namespace: ci
              qps: 20
              burst: 40
              unschedulable_timeout: 1h30m
              profiles:
                heavy:
                  namespace: heavy-ci
                  image: registry.example/tools:1.11.0
                  executor_image: registry.example/kube-runner-executor:1
                  cpu: 16
                  memory: 64Gi
                  ephemeral_storage: 100Gi
                  memory_limit: 80Gi
                  max_cpu: "32"
                  max_memory: 96Gi
                  max_ephemeral_storage: 200Gi
                  node_selector: {pool: big}
                  tolerations:
                    - {key: dedicated, operator: Equal, value: ci, effect: NoSchedule}
                  affinity:
                    nodeAffinity:
                      requiredDuringSchedulingIgnoredDuringExecution:
                        nodeSelectorTerms:
                          - matchExpressions: [{key: arch, operator: In, values: [amd64]}]
                  priority_class: ci-high
                  runtime_class: gvisor
                  service_account: builder
                  automount_service_account_token: true
                  image_pull_secrets: [registry-a, registry-b]
                  image_pull_policy: IfNotPresent
                  pod_security_context: {runAsUser: 1000, fsGroup: 1000}
                  security_context: {allowPrivilegeEscalation: false}
                  labels: {team: seaspots}
                  annotations: {example.com/owner: "ci team"}
                  eviction_protection: pdb
                small:
            """);

        Assert.Equal("ci", config.Kubernetes.Namespace);
        Assert.Equal((20, 40), (config.Kubernetes.Qps, config.Kubernetes.Burst));
        Assert.Equal(TimeSpan.FromMinutes(90), config.Kubernetes.UnschedulableTimeout);
        var heavy = config.Kubernetes.Profiles["heavy"];
        Assert.Equal("heavy-ci", heavy.Namespace);
        Assert.Equal("registry.example/tools:1.11.0", heavy.Image);
        Assert.Equal("registry.example/kube-runner-executor:1", heavy.ExecutorImage);
        Assert.Equal(["cpu=16", "ephemeral-storage=100Gi", "memory=64Gi"], heavy.Requests.Select(e => $"{e.Key}={e.Value}"));
        Assert.Equal(["memory=80Gi"], heavy.Limits.Select(e => $"{e.Key}={e.Value}"));
        Assert.Equal(["cpu=32", "ephemeral-storage=200Gi", "memory=96Gi"], heavy.Caps.Select(e => $"{e.Key}={e.Value}"));
        Assert.Equal("big", heavy.NodeSelector["pool"]);
        Assert.Equal("NoSchedule", Assert.Single(heavy.Tolerations).Effect);
        Assert.Equal("amd64", heavy.Affinity!.NodeAffinity.RequiredDuringSchedulingIgnoredDuringExecution.NodeSelectorTerms[0].MatchExpressions[0].Values[0]);
        Assert.Equal(("ci-high", "gvisor", "builder"), (heavy.PriorityClass, heavy.RuntimeClass, heavy.ServiceAccount));
        Assert.True(heavy.AutomountServiceAccountToken);
        Assert.Equal(["registry-a", "registry-b"], heavy.ImagePullSecrets.ToArray());
        Assert.Equal("IfNotPresent", heavy.ImagePullPolicy);
        Assert.Equal(1000, heavy.PodSecurityContext!.FsGroup);
        Assert.False(heavy.SecurityContext!.AllowPrivilegeEscalation);
        Assert.Equal("seaspots", heavy.Labels["team"]);
        Assert.Equal("ci team", heavy.Annotations["example.com/owner"]);
        Assert.Equal(KubernetesProfile.EvictionPdb, heavy.EvictionProtection);

        var small = config.Kubernetes.Profiles["small"];
        Assert.False(small.AutomountServiceAccountToken);
        Assert.Equal(KubernetesProfile.EvictionNone, small.EvictionProtection);
        Assert.Empty(small.Caps);
    }

    [Fact]
    public void Print_ProfileWithPassThroughYaml_LoadsBackToTheSameText()
    {
        var config = _host.Load("""
            kubernetes:
              profiles:
                heavy:
                  cpu: 500m
                  affinity:
                    nodeAffinity:
                      requiredDuringSchedulingIgnoredDuringExecution:
                        nodeSelectorTerms:
                          - matchExpressions: [{key: arch, operator: In, values: [amd64]}]
                  pod_security_context: {runAsUser: 1000}
                  annotations: {example.com/owner: ci}
                empty:
            """);
        var printed = ConfigPrinter.ToYaml(config);

        var again = ConfigPrinter.ToYaml(_host.Load(printed));

        Assert.Equal(printed, again);
        Assert.Contains("runAsUser: 1000", printed, StringComparison.Ordinal);
        Assert.Contains("- amd64", printed, StringComparison.Ordinal);
        Assert.Empty(_host.Load(printed).Warnings);
    }

    [Fact]
    public void Load_NoKubernetesSection_HasDefaults()
    {
        var options = _host.LoadWithoutFile().Kubernetes;

        Assert.Equal(("", "kube-runner", 5, 10), (options.Kubeconfig, options.Namespace, options.Qps, options.Burst));
        Assert.Equal(TimeSpan.FromMinutes(10), options.UnschedulableTimeout);
        Assert.Empty(options.Profiles);
    }

    [Theory]
    [InlineData("cpu: 16 cores", "config.yaml:4: kubernetes.profiles.heavy.cpu: '16 cores' is not a Kubernetes quantity such as 16, 500m, 64Gi or 100G")]
    [InlineData("memory: 64gb", "config.yaml:4: kubernetes.profiles.heavy.memory: '64gb' is not a Kubernetes quantity such as 16, 500m, 64Gi or 100G")]
    [InlineData("ephemeral_storage: -1Gi", "config.yaml:4: kubernetes.profiles.heavy.ephemeral_storage: '-1Gi' is not a Kubernetes quantity such as 16, 500m, 64Gi or 100G")]
    [InlineData("memroy: 1Gi", "config.yaml:4: kubernetes.profiles.heavy.memroy: unknown profile key (did you mean 'memory'?)")]
    [InlineData("eviction_protection: always", "config.yaml:4: kubernetes.profiles.heavy.eviction_protection: 'always' is not allowed (use none, pdb, annotation)")]
    [InlineData("image_pull_policy: always", "config.yaml:4: kubernetes.profiles.heavy.image_pull_policy: 'always' is not allowed (use Always, IfNotPresent, Never)")]
    [InlineData("namespace: CI", "config.yaml:4: kubernetes.profiles.heavy.namespace: 'CI' is not a namespace (lower-case letters, digits and '-')")]
    [InlineData("labels: {team: a b}", "config.yaml:4: kubernetes.profiles.heavy.labels.team: 'a b' is not a valid label value (at most 63 letters, digits, '-', '_', '.', starting and ending alphanumeric)")]
    [InlineData("automount_service_account_token: maybe", "config.yaml:4: kubernetes.profiles.heavy.automount_service_account_token: 'maybe' is not a boolean (use true or false)")]
    public void Load_BadProfileValue_NamesKeyAndLine(string entry, string expected)
    {
        var error = _host.LoadFails($"kubernetes:\n  profiles:\n    heavy:\n      {entry}\n");

        Assert.Equal(expected, error.Message);
    }

    [Fact]
    public void Load_TolerationWithUnknownField_FailsAtItsLine()
    {
        var error = _host.LoadFails("kubernetes:\n  profiles:\n    heavy:\n      tolerations:\n        - key: a\n          efect: NoSchedule\n");

        Assert.StartsWith("config.yaml:5: kubernetes.profiles.heavy.tolerations: expected a list of tolerations in Kubernetes' own field names", error.Message);
        Assert.DoesNotContain('\n', error.Message);
    }

    [Theory]
    [InlineData("memory: 64Gi\n      max_memory: 32Gi", "config.yaml:3: kubernetes.profiles.heavy.max_memory: the cap 32Gi is below what the profile itself gives (64Gi)")]
    [InlineData("cpu: 16\n      cpu_limit: 8", "config.yaml:3: kubernetes.profiles.heavy.cpu: the request 16 is above the limit 8 (cpu_limit); Kubernetes would refuse the Job")]
    public void Load_ContradictoryCaps_AreRefused(string entries, string expected)
    {
        var error = _host.LoadFails($"kubernetes:\n  profiles:\n    heavy:\n      {entries}\n");

        Assert.Equal(expected, error.Message);
    }

    [Fact]
    public void Load_BurstBelowQps_IsRefusedWithItsLine()
    {
        var error = _host.LoadFails("kubernetes:\n  qps: 10\n  burst: 5\n");

        Assert.Equal("config.yaml:3: kubernetes.burst: 5 is below kubernetes.qps (10); set it to at least that", error.Message);
    }

    [Theory]
    [InlineData("kube-runner.ci.svc:8081")]
    [InlineData("unix:///run/kube-runner.sock")]
    public void Load_AgentAddressNotAnHttpUrl_IsRefusedWithItsLine(string address)
    {
        var error = _host.LoadFails($"kubernetes:\n  agent_address: {address}\n");

        Assert.Equal($"config.yaml:2: kubernetes.agent_address: '{address}' is not an http(s) URL; write it as http://host:port, the address job pods dial", error.Message);
    }

    [Fact]
    public void Load_UnschedulableTimeoutNotADuration_IsRefusedWithItsLine()
    {
        var error = _host.LoadFails("kubernetes:\n  unschedulable_timeout: 10 minutes\n");

        Assert.Equal("config.yaml:2: kubernetes.unschedulable_timeout: '10 minutes' is not a duration (use Go syntax, e.g. 30s, 1m30s, 1.5h)", error.Message);
    }
}
