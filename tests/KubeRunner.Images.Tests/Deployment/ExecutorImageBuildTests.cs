using KubeRunner.Executor;
using KubeRunner.Testing.Docker;
using Xunit.Abstractions;

namespace KubeRunner.Images.Tests.Deployment;

/// <summary>
/// deploy/docker/executor.Dockerfile builds offline into an image that does what the Kubernetes
/// backend's init container expects: as its own non-root user it copies the bundle into a shared
/// volume, from which the executor starts in another image.
/// </summary>
public sealed class ExecutorImageBuildTests(ITestOutputHelper output)
{
    [Fact]
    public async Task Build_Offline_SucceedsAndIsRecorded()
    {
        var image = await DeploymentImages.ExecutorAsync();

        output.WriteLine($"{image.Reference}: {image.SizeBytes:N0} bytes; base images ready after {image.Preparation.TotalSeconds:F0} s, "
            + $"built in {image.Build.TotalSeconds:F0} s");
        Assert.InRange(image.SizeBytes, 1, 64L * 1024 * 1024);
    }

    [Fact]
    public async Task User_OfTheImage_IsNotRoot()
    {
        var image = await DeploymentImages.ExecutorAsync();

        var user = (await DockerCli.RunCheckedAsync("image", "inspect", "--format", "{{.Config.User}}", image.Reference)).Trim();

        Assert.Equal("65532:65532", user);
    }

    [Fact]
    public async Task Bundle_CopiedByTheInitContainerCommand_StartsInDebian()
    {
        var image = await DeploymentImages.ExecutorAsync();
        var debian = await TestImages.EnsureAsync(TestImage.Debian);
        var volume = $"kr-test-executor-copy-{Guid.NewGuid():N}";
        await DockerCli.RunCheckedAsync("volume", "create", "--label", DockerCli.TestLabel, volume);
        try
        {
            // An emptyDir is world-writable; a fresh Docker volume is root's until opened up.
            await RunAsync(["--user", "0", "--volume", $"{volume}:/v", image.Reference, "chmod", "0777", "/v"]);
            // The init container: the image's own user, the command the Kubernetes backend gives it.
            var copy = await RunAsync(["--volume", $"{volume}:{ExecutorBundle.MountPath}", image.Reference, .. ExecutorImage.CopyCommand]);
            Assert.True(copy.ExitCode == 0, copy.Describe());

            var run = await RunAsync(["--volume", $"{volume}:{ExecutorBundle.MountPath}:ro", debian, ExecutorBundle.ContainerExecutable, "--version"]);

            Assert.True(run.ExitCode == 0, run.Describe());
            Assert.Equal($"kube-runner-executor {ExecutorProgram.Version}\n", run.Stdout);
        }
        finally
        {
            await DockerCli.RunAsync("volume", "rm", "--force", volume);
        }
    }

    private static Task<CommandResult> RunAsync(string[] args) => DockerCli.RunAsync(["run", "--rm", "--label", DockerCli.TestLabel, .. args]);
}
