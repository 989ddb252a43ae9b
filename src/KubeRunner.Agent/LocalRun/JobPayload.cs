using KubeRunner.Workflow.Expressions;
using YamlDotNet.RepresentationModel;

namespace KubeRunner.Agent.LocalRun;

/// <summary>
/// Writes the payload of one local task the way Forgejo's job parser does for a real one: the
/// workflow with only this job, its <c>strategy.matrix</c> reduced to one single-element list per key
/// and its name suffixed with the combination (forgejo-protocol.md §4.1). Everything else is kept.
/// </summary>
internal static class JobPayload
{
    public static string Write(string workflowYaml, string jobId, ExpressionObject? combination)
    {
        var stream = new YamlStream();
        stream.Load(new StringReader(workflowYaml));
        var root = (YamlMappingNode)stream.Documents[0].RootNode;
        var jobs = (YamlMappingNode)root.Children[new YamlScalarNode("jobs")];
        foreach (var other in jobs.Children.Keys.Where(k => k.ToString() != jobId).ToList())
        {
            jobs.Children.Remove(other);
        }

        if (combination is not null && jobs.Children[new YamlScalarNode(jobId)] is YamlMappingNode job)
        {
            job.Children[new YamlScalarNode("name")] = new YamlScalarNode(DisplayName(jobId, Name(job), combination));
            if (job.Children.TryGetValue(new YamlScalarNode("strategy"), out var strategy) && strategy is YamlMappingNode strategyMap)
            {
                strategyMap.Children[new YamlScalarNode("matrix")] = Reduced(combination);
            }
        }

        using var writer = new StringWriter();
        stream.Save(writer, assignAnchors: false);
        return writer.ToString();
    }

    /// <summary>The job's name for this combination, e.g. <c>greet (alice)</c>, as Forgejo shows it.</summary>
    public static string DisplayName(string jobId, string? name, ExpressionObject? combination)
    {
        var baseName = string.IsNullOrEmpty(name) ? jobId : name;
        // A name with an expression is the job's to evaluate (it may use matrix.*); the parser leaves it too.
        if (combination is null || combination.Count == 0 || baseName.Contains("${{", StringComparison.Ordinal))
        {
            return baseName;
        }

        return $"{baseName} ({string.Join(", ", combination.Values.Select(v => v.ToString()))})";
    }

    private static string? Name(YamlMappingNode job) =>
        job.Children.TryGetValue(new YamlScalarNode("name"), out var node) && node is YamlScalarNode scalar ? scalar.Value : null;

    private static YamlMappingNode Reduced(ExpressionObject combination)
    {
        var matrix = new YamlMappingNode();
        foreach (var (key, value) in combination)
        {
            matrix.Add(new YamlScalarNode(key), new YamlSequenceNode(ToNode(value)));
        }

        return matrix;
    }

    /// <summary>JSON is YAML: the value's JSON text read back gives its node with types intact.</summary>
    private static YamlNode ToNode(ExpressionValue value)
    {
        var stream = new YamlStream();
        stream.Load(new StringReader(value.ToJson(indented: false)));
        return stream.Documents[0].RootNode;
    }
}
