using System.Text.Json.Nodes;
using KubeRunner.Testing.FakeKubernetes;
using YamlDotNet.RepresentationModel;

namespace KubeRunner.Testing.Chart;

/// <summary>
/// One rendered manifest: its template, its YAML, and the JSON an API server would receive (YAML
/// typed as Helm and kubectl read it), which reads back strictly into the KubernetesClient model of
/// its apiVersion and kind.
/// </summary>
public sealed class ChartDocument
{
    private ChartDocument(string source, string yaml, JsonObject json, Type modelType)
    {
        Source = source;
        Yaml = yaml;
        Json = json;
        ModelType = modelType;
    }

    /// <summary>The template that rendered it, e.g. <c>kube-runner/templates/deployment.yaml</c>.</summary>
    public string Source { get; }

    public string Yaml { get; }

    public JsonObject Json { get; }

    public string ApiVersion => (string?)Json["apiVersion"] ?? "";

    public string Kind => (string?)Json["kind"] ?? "";

    public string Name => (string?)Json["metadata"]?["name"] ?? "";

    public string Namespace => (string?)Json["metadata"]?["namespace"] ?? "";

    /// <summary>The KubernetesClient model of its apiVersion and kind.</summary>
    public Type ModelType { get; }

    public override string ToString() => $"{Kind} {Namespace}/{Name} ({Source})";

    /// <summary>Reads the object into <see cref="ModelType"/>; a field the model does not know throws <see cref="KubeStrictJsonException"/>.</summary>
    public object ReadStrict() => KubeStrictJson.Read(Json.ToJsonString(), ModelType);

    internal static bool HasContent(string yaml) =>
        yaml.Split('\n').Any(line => line.Trim().Length > 0 && !line.TrimStart().StartsWith('#'));

    internal static ChartDocument Parse(string source, string yaml)
    {
        var stream = new YamlStream();
        try
        {
            stream.Load(new StringReader(yaml));
        }
        catch (YamlDotNet.Core.YamlException e)
        {
            throw new FormatException($"{source}: not YAML: {e.Message}\n{yaml}", e);
        }

        if (stream.Documents.Count != 1 || YamlJson.Convert(stream.Documents[0].RootNode) is not JsonObject json)
        {
            throw new FormatException($"{source}: expected one YAML mapping per document\n{yaml}");
        }

        var apiVersion = (string?)json["apiVersion"] ?? "";
        var kind = (string?)json["kind"] ?? "";
        var type = KubeModelTypes.Find(apiVersion, kind)
            ?? throw new FormatException($"{source}: no KubernetesClient model for apiVersion '{apiVersion}', kind '{kind}'");
        return new ChartDocument(source, yaml, json, type);
    }
}
