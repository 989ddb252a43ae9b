using KubeRunner.Testing.Docker;

namespace KubeRunner.Images.Tests.Deployment;

/// <summary>What the image builds' speed depends on, checked without Docker.</summary>
public sealed class DockerfileTests
{
    private const string StageStart = "# ---- executor-build";
    private const string StageEnd = "# ---- end of executor-build";

    [Fact]
    public void ExecutorBuildStage_InBothDockerfiles_IsTheSame()
    {
        var root = ExecutorBundle.RepositoryRoot();

        var executor = Stage(File.ReadAllText(Path.Combine(root, DeploymentImages.ExecutorDockerfile)));
        var agent = Stage(File.ReadAllText(Path.Combine(root, DeploymentImages.AgentDockerfile)));

        // Docker's cache reuses a stage only when every instruction and its inputs are the same: then
        // building the second image compiles the executor no more.
        Assert.Contains("FROM ${SDK_IMAGE} AS executor-build", executor, StringComparison.Ordinal);
        Assert.Equal(executor, agent);
    }

    private static string Stage(string dockerfile)
    {
        var start = dockerfile.IndexOf(StageStart, StringComparison.Ordinal);
        var end = dockerfile.IndexOf(StageEnd, StringComparison.Ordinal);
        Assert.True(start >= 0 && end > start, $"no '{StageStart}' … '{StageEnd}' section");
        return dockerfile[start..end];
    }
}
