using YamlDotNet.Core;
using YamlDotNet.RepresentationModel;

namespace KubeRunner.Testing.FakeForge;

/// <summary>Reads what the server needs from a single-job payload (§4.1): the job id and its step count.</summary>
internal static class WorkflowJobReader
{
    /// <summary>As <see cref="Read"/>, but a payload that is not one job gives no job key and no steps.</summary>
    public static (string JobKey, int StepCount) TryRead(string workflowYaml)
    {
        try
        {
            return Read(workflowYaml);
        }
        catch (ArgumentException)
        {
            return ("", 0);
        }
    }

    public static (string JobKey, int StepCount) Read(string workflowYaml)
    {
        var stream = new YamlStream();
        try
        {
            stream.Load(new StringReader(workflowYaml));
        }
        catch (YamlException e)
        {
            throw new ArgumentException($"The workflow payload is not valid YAML: {e.Message}", nameof(workflowYaml), e);
        }

        if (stream.Documents.Count != 1 || stream.Documents[0].RootNode is not YamlMappingNode root
            || !root.Children.TryGetValue(new YamlScalarNode("jobs"), out var jobsNode)
            || jobsNode is not YamlMappingNode jobs || jobs.Children.Count != 1)
        {
            // §4.1: the payload holds exactly one job; the runner rejects anything else.
            throw new ArgumentException("The workflow payload must be one YAML document whose 'jobs' holds exactly one job.", nameof(workflowYaml));
        }

        var (key, job) = jobs.Children.First();
        var jobKey = ((YamlScalarNode)key).Value ?? "";
        var steps = job is YamlMappingNode jobMapping
            && jobMapping.Children.TryGetValue(new YamlScalarNode("steps"), out var stepsNode)
            && stepsNode is YamlSequenceNode sequence
                ? sequence.Children.Count
                : 0;
        return (jobKey, steps);
    }
}
