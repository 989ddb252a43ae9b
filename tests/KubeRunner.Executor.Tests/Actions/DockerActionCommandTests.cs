using KubeRunner.Executor.Actions;

namespace KubeRunner.Executor.Tests.Actions;

public sealed class DockerActionCommandTests
{
    private static string Upper(string value) => value.Replace("${{ inputs.who }}", "ALICE", StringComparison.Ordinal);

    [Fact]
    public void Args_WithArgsGiven_SplitsThemLikeAShellAndIgnoresRunsArgs()
    {
        var args = DockerActionCommand.Args("-c 'echo a  b' \"x y\" ${{ inputs.who }}", ["never"], Upper);

        Assert.Equal(["-c", "echo a  b", "x y", "ALICE"], args);
    }

    [Fact]
    public void Args_NoWithArgs_InterpolatesEachRunsArgOnItsOwn()
    {
        var args = DockerActionCommand.Args(null, ["--who", "${{ inputs.who }} and more", ""], Upper);

        Assert.Equal(["--who", "ALICE and more", ""], args);
    }

    [Fact]
    public void Args_UnclosedQuote_IsAProblemNamingTheValue()
    {
        var problem = Assert.Throws<ActionProblem>(() => DockerActionCommand.Args("-c 'echo", [], v => v));

        Assert.Contains("-c 'echo", problem.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Entrypoint_WithEntrypointGiven_SplitsAtWhiteSpaceOnly()
    {
        Assert.Equal(["/bin/sh", "'-c'"], DockerActionCommand.Entrypoint("/bin/sh  '-c'", "ignored", v => v));
    }

    [Fact]
    public void Entrypoint_FromActionYml_SplitsLikeAShell()
    {
        Assert.Equal(["sh", "-c", "echo post saw $X"], DockerActionCommand.Entrypoint(null, "sh -c 'echo post saw $X'", v => v));
    }

    [Fact]
    public void Entrypoint_NoneGiven_IsEmptySoTheImageKeepsItsOwn()
    {
        Assert.Empty(DockerActionCommand.Entrypoint("  ", null, v => v));
    }

    [Theory]
    [InlineData("Dockerfile", "", "Dockerfile")]
    [InlineData("./Dockerfile", "", "Dockerfile")]
    [InlineData("docker/Dockerfile.alpine", "docker", "Dockerfile.alpine")]
    [InlineData("./.hidden/Dockerfile", ".hidden", "Dockerfile")]
    public void BuildPaths_ImagePath_SplitsIntoContextAndDockerfile(string image, string context, string dockerfile)
    {
        Assert.Equal((context, dockerfile), DockerActionCommand.BuildPaths(image));
    }
}
