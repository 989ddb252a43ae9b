using YamlDotNet.Core;
using YamlDotNet.RepresentationModel;

namespace KubeRunner.Workflow.Payload;

/// <summary>
/// What the agent needs to know of a task's single-job workflow payload before anything runs: the
/// job, its <c>runs-on</c> (to choose a label and backend) and its steps (Forgejo keeps one step row
/// per step, ids 0..n-1, and the reporter must report exactly those).
/// </summary>
public sealed record JobOutline(string JobId, string? Name, IReadOnlyList<string> RunsOn, IReadOnlyList<string> StepNames)
{
    /// <summary>Reads the outline of a payload.</summary>
    /// <exception cref="WorkflowPayloadException">The payload is not a single-job workflow.</exception>
    public static JobOutline Parse(string payload)
    {
        ArgumentNullException.ThrowIfNull(payload);
        var stream = new YamlStream();
        try
        {
            stream.Load(new StringReader(payload));
        }
        catch (YamlException e)
        {
            throw new WorkflowPayloadException($"line {e.Start.Line}: {e.Message}", e);
        }

        if (stream.Documents.Count == 0 || stream.Documents[0].RootNode is not YamlMappingNode root)
        {
            throw new WorkflowPayloadException("the workflow is not a YAML mapping");
        }

        if (!root.Children.TryGetValue(new YamlScalarNode("jobs"), out var jobsNode) || jobsNode is not YamlMappingNode jobs)
        {
            throw new WorkflowPayloadException($"line {root.Start.Line}: the workflow has no 'jobs' mapping");
        }

        if (jobs.Children.Count != 1)
        {
            throw new WorkflowPayloadException($"line {jobs.Start.Line}: a task carries exactly one job, this payload has {jobs.Children.Count}");
        }

        var (idNode, jobNode) = jobs.Children.First();
        if (jobNode is not YamlMappingNode job)
        {
            throw new WorkflowPayloadException($"line {jobNode.Start.Line}: job '{idNode}' is not a mapping");
        }

        return new JobOutline(idNode.ToString(), Scalar(job, "name"), ReadRunsOn(job), ReadStepNames(job));
    }

    private static string? Scalar(YamlMappingNode node, string key) =>
        node.Children.TryGetValue(new YamlScalarNode(key), out var value) && value is YamlScalarNode scalar ? scalar.Value : null;

    private static List<string> ReadRunsOn(YamlMappingNode job)
    {
        if (!job.Children.TryGetValue(new YamlScalarNode("runs-on"), out var node))
        {
            return [];
        }

        return node switch
        {
            YamlScalarNode scalar when !string.IsNullOrEmpty(scalar.Value) => [scalar.Value],
            YamlSequenceNode sequence => [.. sequence.Children.OfType<YamlScalarNode>().Select(s => s.Value ?? string.Empty)],
            // GitHub's {group, labels} form: only the labels select a runner.
            YamlMappingNode mapping when mapping.Children.TryGetValue(new YamlScalarNode("labels"), out var labels) => labels switch
            {
                YamlScalarNode one when !string.IsNullOrEmpty(one.Value) => [one.Value],
                YamlSequenceNode many => [.. many.Children.OfType<YamlScalarNode>().Select(s => s.Value ?? string.Empty)],
                _ => [],
            },
            _ => [],
        };
    }

    private static List<string> ReadStepNames(YamlMappingNode job)
    {
        if (!job.Children.TryGetValue(new YamlScalarNode("steps"), out var node) || node is not YamlSequenceNode steps)
        {
            return [];
        }

        var names = new List<string>(steps.Children.Count);
        foreach (var step in steps.Children)
        {
            var mapping = step as YamlMappingNode;
            var name = mapping is null ? null : Scalar(mapping, "name") ?? Scalar(mapping, "uses") ?? Scalar(mapping, "run");
            names.Add(name ?? $"step {names.Count + 1}");
        }

        return names;
    }
}

/// <summary>A task's workflow payload cannot be run; the message names the line where it can.</summary>
public sealed class WorkflowPayloadException : Exception
{
    public WorkflowPayloadException()
    {
    }

    public WorkflowPayloadException(string message)
        : base(message)
    {
    }

    public WorkflowPayloadException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
