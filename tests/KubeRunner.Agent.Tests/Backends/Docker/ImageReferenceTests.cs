using KubeRunner.Agent.Backends.Docker;
using KubeRunner.Agent.Labels;

namespace KubeRunner.Agent.Tests.Backends.Docker;

public sealed class ImageReferenceTests
{
    [Theory]
    [InlineData("debian", "debian", "latest")]
    [InlineData("kr-test/debian", "kr-test/debian", "latest")]
    [InlineData("node:22-bookworm", "node", "22-bookworm")]
    [InlineData("registry.example:5000/team/image", "registry.example:5000/team/image", "latest")]
    [InlineData("registry.example:5000/team/image:1.11.0", "registry.example:5000/team/image", "1.11.0")]
    [InlineData("debian@sha256:0123abcd", "debian@sha256:0123abcd", "")]
    public void ForPull_Reference_SplitsImageAndTagWithLatestWhenNoneIsGiven(string image, string fromImage, string tag)
    {
        Assert.Equal((fromImage, tag), ImageReference.ForPull(image));
    }

    [Theory]
    [InlineData("linux:docker://kr-test/debian", "kr-test/debian")]
    [InlineData("linux:docker://node:20-bookworm", "node:20-bookworm")]
    [InlineData("linux", "node:22-bookworm")]
    public void FromLabel_DockerLabel_IsTheArgumentWithoutSlashes(string label, string image)
    {
        Assert.Equal(image, ImageReference.FromLabel(Label.Parse(label)));
    }
}
