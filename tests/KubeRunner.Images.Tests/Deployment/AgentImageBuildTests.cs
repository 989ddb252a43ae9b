using KubeRunner.Agent.Configuration;
using KubeRunner.Agent.Hosting;
using KubeRunner.Testing.Docker;
using Xunit.Abstractions;

namespace KubeRunner.Images.Tests.Deployment;

/// <summary>
/// deploy/docker/agent.Dockerfile builds offline into the image the Helm chart and the container
/// variant of the VM install run: kube-runner on PATH as the entry point, uid 10001, the executor
/// bundle where the Docker backend looks for it, and no SDK.
/// </summary>
public sealed class AgentImageBuildTests(ITestOutputHelper output)
{
    [Fact]
    public async Task Build_Offline_SucceedsAndIsRecorded()
    {
        var image = await DeploymentImages.AgentAsync();

        output.WriteLine($"{image.Reference}: {image.SizeBytes:N0} bytes on the local runtime image; base images ready after "
            + $"{image.Preparation.TotalSeconds:F0} s, built in {image.Build.TotalSeconds:F0} s");
        var app = await ShellAsync(image, "du -sk /app | cut -f1");
        output.WriteLine($"/app: {app.Stdout.Trim()} KiB");
        Assert.True(image.SizeBytes > 0);
    }

    [Fact]
    public async Task Config_OfTheImage_IsWhatTheChartExpects()
    {
        var image = await DeploymentImages.AgentAsync();

        var config = await InspectAsync(image, "{{.Config.User}}|{{json .Config.Entrypoint}}|{{json .Config.Cmd}}|{{json .Config.ExposedPorts}}|{{index .Config.Labels \"org.opencontainers.image.version\"}}");

        Assert.Equal(
            $"10001:10001|[\"kube-runner\"]|[\"daemon\",\"--config\",\"/etc/kube-runner/config.yaml\"]|{{\"8080/tcp\":{{}},\"8081/tcp\":{{}}}}|{AgentVersion.Value}",
            config);
    }

    [Fact]
    public async Task Version_RunInTheImage_PrintsTheAgentsVersion()
    {
        var image = await DeploymentImages.AgentAsync();

        var run = await DockerCli.RunAsync("run", "--rm", "--label", DockerCli.TestLabel, image.Reference, "version");

        Assert.True(run.ExitCode == 0, run.Describe());
        Assert.StartsWith($"kube-runner {AgentVersion.Value} (", run.Stdout, StringComparison.Ordinal);
    }

    [Fact]
    public async Task GenerateConfig_RunInTheImage_PrintsTheExampleConfig()
    {
        var image = await DeploymentImages.AgentAsync();

        var run = await DockerCli.RunAsync("run", "--rm", "--label", DockerCli.TestLabel, image.Reference, "generate-config");

        Assert.True(run.ExitCode == 0, run.Describe());
        Assert.Equal(ExampleConfig.Text, run.Stdout);
    }

    [Fact]
    public async Task Files_InTheImage_AreWhereTheBackendsAndTheChartLook()
    {
        var image = await DeploymentImages.AgentAsync();

        var run = await ShellAsync(image, """
            id -u; id -g; echo "$HOME"
            readlink /usr/local/bin/kube-runner
            test -x /app/executor-bundle/kube-runner-executor && test -r /app/executor-bundle/lib/libc.so.6 && echo bundle
            touch "$HOME/probe" && echo home-writable
            test -e /app/kube-runner-executor.runtimeconfig.json || echo no-stray-launcher
            """);

        Assert.True(run.ExitCode == 0, run.Describe());
        Assert.Equal("10001\n10001\n/var/lib/kube-runner\n/app/kube-runner\nbundle\nhome-writable\nno-stray-launcher\n", run.Stdout);
    }

    [Fact]
    public async Task Runtime_InTheImage_HasNoSdk()
    {
        var image = await DeploymentImages.AgentAsync();

        // As root, so that find reads every directory.
        var run = await ShellAsync(image, """
            echo "sdks: $(dotnet --list-sdks | wc -l)"
            dotnet --list-runtimes | cut -d' ' -f1 | sort -u
            find / -xdev -type d -name sdk -path '*dotnet*'
            """, "0");

        output.WriteLine(run.Stdout);
        Assert.True(run.ExitCode == 0, run.Describe());
        Assert.Equal("sdks: 0\nMicrosoft.AspNetCore.App\nMicrosoft.NETCore.App\n", run.Stdout);
    }

    private static async Task<string> InspectAsync(BuiltImage image, string format) =>
        (await DockerCli.RunCheckedAsync("image", "inspect", "--format", format, image.Reference)).Trim();

    private static Task<CommandResult> ShellAsync(BuiltImage image, string script, string? user = null) =>
        DockerCli.RunAsync(["run", "--rm", "--label", DockerCli.TestLabel, .. user is null ? Array.Empty<string>() : ["--user", user],
            "--entrypoint", "/bin/sh", image.Reference, "-c", script]);
}
