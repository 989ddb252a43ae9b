using k8s;
using k8s.Models;
using KubeRunner.Agent.Cli;
using KubeRunner.Agent.Tests.TestSupport;

namespace KubeRunner.Agent.Tests.Cli;

public sealed class RenderCommandTests : IDisposable
{
    private const string Config = """
        runner:
          timeout: 2h
        kubernetes:
          namespace: ci
          profiles:
            heavy:
              image: debian:bookworm
              executor_image: registry.example/kube-runner-executor:1
              cpu: 16
              memory: 64Gi
              ephemeral_storage: 100Gi
              max_memory: 96Gi
              eviction_protection: pdb
        """;

    private const string Workflow = """
        on: push
        jobs:
          build:
            runs-on: heavy
            container:
              image: registry.gitlab.com/seaspots/tools/seaspots-s57-utils:1.11.0
              options: --memory 80Gi
            services:
              db:
                image: postgres:16
                env:
                  POSTGRES_PASSWORD: ${{ secrets.DB_PASSWORD }}
            steps:
              - run: make
        """;

    private readonly CliRun _cli = new();

    public void Dispose() => _cli.Dispose();

    [Fact]
    public async Task Render_HeavyWorkflow_PrintsJobSecretAndBudgetThatReadBackStrictly()
    {
        _cli.Write("config.yaml", Config);
        _cli.Write("ci.yml", Workflow);

        Assert.Equal(0, await _cli.RunAsync("render", "ci.yml", "--label", "heavy", "-c", "config.yaml"));

        Assert.Equal("", _cli.Error);
        var documents = _cli.Out.Split("---\n");
        Assert.Equal(3, documents.Length);
        var job = KubernetesYaml.Deserialize<V1Job>(documents[0], strict: true);
        var secret = KubernetesYaml.Deserialize<V1Secret>(documents[1], strict: true);
        var budget = KubernetesYaml.Deserialize<V1PodDisruptionBudget>(documents[2], strict: true);
        Assert.Equal(("ci", "ci", "ci"), (job.Metadata.NamespaceProperty, secret.Metadata.NamespaceProperty, budget.Metadata.NamespaceProperty));
        var main = job.Spec.Template.Spec.Containers[0];
        Assert.Equal("registry.gitlab.com/seaspots/tools/seaspots-s57-utils:1.11.0", main.Image);
        Assert.Equal("80Gi", main.Resources.Limits["memory"].ToString());
        Assert.Equal("16", main.Resources.Requests["cpu"].ToString());
        Assert.Equal((long)TimeSpan.FromHours(2).TotalSeconds + 300, job.Spec.ActiveDeadlineSeconds);
        Assert.Equal("db", job.Spec.Template.Spec.InitContainers[1].Name);
        Assert.All(secret.StringData.Values, value => Assert.Equal(RenderCommand.Placeholder, value));
    }

    [Fact]
    public async Task Render_UnknownLabel_OneLineErrorNamingTheProfiles()
    {
        _cli.Write("config.yaml", Config);
        _cli.Write("ci.yml", Workflow);

        Assert.Equal(ExitCodes.Usage, await _cli.RunAsync("render", "ci.yml", "--label", "huge", "-c", "config.yaml"));

        Assert.Equal("kube-runner: --label: no Kubernetes profile 'huge' in kubernetes.profiles (configured: heavy)\n", _cli.Error.ReplaceLineEndings("\n"));
        Assert.Equal("", _cli.Out);
    }

    [Fact]
    public async Task Render_WorkflowOverTheCap_FailsWithOneLineNamingValueAndCap()
    {
        _cli.Write("config.yaml", Config);
        _cli.Write("ci.yml", Workflow.Replace("--memory 80Gi", "--memory 128Gi", StringComparison.Ordinal));

        Assert.Equal(ExitCodes.Configuration, await _cli.RunAsync("render", "ci.yml", "--label", "heavy", "-c", "config.yaml"));

        Assert.Equal($"kube-runner: {_cli.Path_("ci.yml")}: job 'build': container.options --memory 128Gi is above the cap 96Gi of profile 'heavy' (max_memory)\n", _cli.Error.ReplaceLineEndings("\n"));
    }

    [Fact]
    public void Render_SecretValues_AreNeverPrinted()
    {
        var objects = KubeRunner.Agent.Backends.Kubernetes.Spec.KubernetesJobBuilder.Build(new(
            new KubeRunner.Agent.Configuration.KubernetesProfile { Image = "debian:bookworm" },
            "heavy", "ci", "uuid", 7, "o/r", "1", "build", KubeRunner.Agent.Backends.Docker.Spec.WorkflowContainer.None, [],
            TimeSpan.FromHours(1), TimeSpan.FromMinutes(15), "http://agent.ci.svc:8081", "real-executor-token", []));

        var text = RenderCommand.Render(objects);

        Assert.DoesNotContain("real-executor-token", text, StringComparison.Ordinal);
        Assert.DoesNotContain("http://agent.ci.svc:8081", text, StringComparison.Ordinal);
        Assert.Contains(RenderCommand.Placeholder, text, StringComparison.Ordinal);
    }
}
