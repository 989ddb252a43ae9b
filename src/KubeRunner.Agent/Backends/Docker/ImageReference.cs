using KubeRunner.Agent.Labels;

namespace KubeRunner.Agent.Backends.Docker;

/// <summary>Image references as labels write them and as the Engine API's pull wants them.</summary>
internal static class ImageReference
{
    /// <summary>The image of a <c>name:docker://image</c> label: its argument without the leading <c>//</c>.</summary>
    public static string FromLabel(Label label) =>
        label.Argument.StartsWith("//", StringComparison.Ordinal) ? label.Argument[2..] : label.Argument;

    /// <summary>
    /// Splits a reference into the pull's <c>fromImage</c> and <c>tag</c>. A reference without tag or
    /// digest gets <c>latest</c>: with an empty tag the daemon would pull every tag of the repository.
    /// </summary>
    public static (string FromImage, string Tag) ForPull(string image)
    {
        if (image.Contains('@', StringComparison.Ordinal))
        {
            return (image, "");
        }

        var lastSlash = image.LastIndexOf('/');
        var colon = image.LastIndexOf(':');
        // A colon before the last slash belongs to a registry's port (registry:5000/image).
        return colon > lastSlash ? (image[..colon], image[(colon + 1)..]) : (image, "latest");
    }
}
