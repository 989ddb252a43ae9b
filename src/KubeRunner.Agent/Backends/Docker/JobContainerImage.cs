using YamlDotNet.Core;
using YamlDotNet.RepresentationModel;

namespace KubeRunner.Agent.Backends.Docker;

/// <summary>
/// The image a job's <c>container:</c> names (<c>container: image</c> or <c>container: {image: …}</c>),
/// which overrides the label's image as in forgejo-runner. Credentials, env, volumes and options of
/// <c>container:</c> are not applied yet.
/// </summary>
internal static class JobContainerImage
{
    /// <returns>The image, or null when the job has no <c>container:</c> or names no image.</returns>
    public static string? Read(string payload, string jobId)
    {
        var stream = new YamlStream();
        try
        {
            stream.Load(new StringReader(payload));
        }
        catch (YamlException)
        {
            // The payload was read before the backend ran; a problem here is not this reader's to report.
            return null;
        }

        if (stream.Documents.Count == 0 || stream.Documents[0].RootNode is not YamlMappingNode root
            || Child(root, "jobs") is not YamlMappingNode jobs)
        {
            return null;
        }

        var job = Child(jobs, jobId) as YamlMappingNode ?? jobs.Children.Values.OfType<YamlMappingNode>().FirstOrDefault();
        var container = job is null ? null : Child(job, "container");
        var image = container switch
        {
            YamlScalarNode scalar => scalar.Value,
            YamlMappingNode mapping => (Child(mapping, "image") as YamlScalarNode)?.Value,
            _ => null,
        };
        return string.IsNullOrWhiteSpace(image) ? null : image.Trim();
    }

    private static YamlNode? Child(YamlMappingNode node, string key) =>
        node.Children.TryGetValue(new YamlScalarNode(key), out var value) ? value : null;
}
