using k8s.Models;
using KubeRunner.Testing.Chart;
using KubeRunner.Testing.FakeKubernetes;

namespace KubeRunner.Chart.Tests;

/// <summary>Every rendered manifest is a valid Kubernetes object, field for field, in an explicit namespace.</summary>
public sealed class ChartManifestTests
{
    [Theory]
    [MemberData(nameof(ChartScenarios.All), MemberType = typeof(ChartScenarios))]
    public async Task Render_Scenario_EveryDocumentReadsBackStrictly(string scenario)
    {
        var rendering = await ChartScenarios.RenderAsync(scenario);

        Assert.All(rendering.Documents, document =>
        {
            var read = document.ReadStrict();
            Assert.IsType(document.ModelType, read);
            Assert.False(string.IsNullOrEmpty(document.Namespace), $"{document} names no namespace");
        });
    }

    [Theory]
    [MemberData(nameof(ChartScenarios.All), MemberType = typeof(ChartScenarios))]
    public async Task Render_Scenario_MakesEveryObjectOfTheAgent(string scenario)
    {
        var rendering = await ChartScenarios.RenderAsync(scenario);

        Assert.Single(rendering.Objects<V1Deployment>());
        Assert.Single(rendering.Objects<V1Service>());
        Assert.Single(rendering.Objects<V1ConfigMap>());
        Assert.Single(rendering.Objects<V1ServiceAccount>());
        // The registration Role, and one Role per jobs namespace; a policy on the agent, one per jobs namespace.
        Assert.True(rendering.Objects<V1Role>().Count >= 2);
        Assert.Equal(rendering.Objects<V1Role>().Count, rendering.Objects<V1RoleBinding>().Count);
        Assert.Equal(rendering.Objects<V1Role>().Count, rendering.Objects<V1NetworkPolicy>().Count);
    }

    [Fact]
    public async Task Render_TokenInValues_MakesTheTokenSecret()
    {
        var secret = (await ChartRender.RenderAsync()).Named<V1Secret>("kube-runner-token");

        Assert.Equal("Opaque", secret.Type);
        Assert.Equal("t0ken", System.Text.Encoding.UTF8.GetString(secret.Data["token"]));
    }

    [Fact]
    public async Task Render_ExistingSecret_MakesNoTokenSecret()
    {
        var rendering = await ChartScenarios.RenderAsync("ci-jobs-namespace");

        Assert.Empty(rendering.Objects<V1Secret>());
    }

    [Fact]
    public void ReadStrict_MisspeltField_FailsNamingIt()
    {
        var rendering = ChartRendering.Parse("---\n# Source: kube-runner/templates/service.yaml\n" +
            "apiVersion: v1\nkind: Service\nmetadata:\n  name: s\n  namespace: ci\nspec:\n  selektor:\n    app: a\n");

        var error = Assert.Throws<KubeStrictJsonException>(() => rendering.Documents.Single().ReadStrict());

        Assert.Contains("selektor", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void ReadStrict_NumberQuotedAsString_Fails()
    {
        // kubectl would send "1" as a string and the API server would refuse it; so does the strict read.
        var rendering = ChartRendering.Parse("---\n# Source: x/templates/d.yaml\n" +
            "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: d\n  namespace: ci\nspec:\n  replicas: \"1\"\n");

        var error = Assert.Throws<KubeStrictJsonException>(() => rendering.Documents.Single().ReadStrict());

        Assert.Contains("replicas", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Parse_UnknownKind_FailsNamingIt()
    {
        var error = Assert.Throws<FormatException>(() => ChartRendering.Parse("---\n# Source: x/templates/m.yaml\n" +
            "apiVersion: monitoring.coreos.com/v1\nkind: ServiceMonitor\nmetadata:\n  name: m\n"));

        Assert.Contains("ServiceMonitor", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Parse_TemplateWithSeveralDocuments_KeepsTheSourceOfEach()
    {
        var rendering = ChartRendering.Parse("---\n# Source: x/templates/a.yaml\n" +
            "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: a\n---\napiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: b\n" +
            "---\n# Source: x/templates/empty.yaml\n\n---\n# Source: x/templates/NOTES.txt\nHello\n");

        Assert.Equal(["a", "b"], rendering.Documents.Select(d => d.Name));
        Assert.All(rendering.Documents, d => Assert.Equal("x/templates/a.yaml", d.Source));
        Assert.Equal("Hello\n", rendering.Notes);
    }

    [Theory]
    [InlineData("mode: 0440", 288L)]
    [InlineData("mode: 0x1F", 31L)]
    [InlineData("mode: 8081", 8081L)]
    [InlineData("mode: -3", -3L)]
    public void YamlJson_PlainIntegers_AreTypedAsHelmReadsThem(string yaml, long expected)
    {
        var json = Convert(yaml);

        Assert.Equal(expected, (long)json["mode"]!);
    }

    [Theory]
    [InlineData("v: on", "true")]
    [InlineData("v: No", "false")]
    [InlineData("v: ~", "null")]
    [InlineData("v: \"8081\"", "\"8081\"")]
    [InlineData("v: '0440'", "\"0440\"")]
    [InlineData("v: 1.5", "1.5")]
    [InlineData("v: 64Gi", "\"64Gi\"")]
    [InlineData("v: |\n  true\n", "\"true\\n\"")]
    public void YamlJson_Scalars_AreTypedAsHelmReadsThem(string yaml, string expectedJson)
    {
        var json = Convert(yaml);

        Assert.Equal(expectedJson, json["v"]?.ToJsonString() ?? "null");
    }

    [Fact]
    public void Parse_KeyTwice_Fails()
    {
        // A template that writes a key twice (a pod label given by values too) is refused, as kubectl's strict decoding does.
        Assert.Throws<FormatException>(() => ChartRendering.Parse("---\n# Source: x/templates/c.yaml\n" +
            "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: a\n  name: b\n"));
    }

    [Fact]
    public void YamlJson_UnquotedNoAsANamespace_IsABoolean()
    {
        // Why templates quote values that could read as YAML 1.1 booleans: Helm would send false.
        Assert.Equal("false", Convert("namespace: n")["namespace"]!.ToJsonString());
    }

    private static System.Text.Json.Nodes.JsonObject Convert(string yaml)
    {
        var stream = new YamlDotNet.RepresentationModel.YamlStream();
        stream.Load(new StringReader(yaml));
        return (System.Text.Json.Nodes.JsonObject)YamlJson.Convert(stream.Documents[0].RootNode)!;
    }
}
