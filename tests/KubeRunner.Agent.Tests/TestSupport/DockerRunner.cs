using KubeRunner.Testing.Docker;
using KubeRunner.Testing.FakeForge;

namespace KubeRunner.Agent.Tests.TestSupport;

/// <summary>
/// A <see cref="HostRunner"/> whose one label is <c>linux:docker://&lt;test image&gt;</c>: jobs run in
/// containers of a locally built image, with the executor bundle published by the test bed. Docker is
/// started when needed; when it cannot be, the test fails (never skips).
/// </summary>
internal static class DockerRunner
{
    /// <param name="dockerConfig">Keys added to the <c>docker</c> section, each line indented by two spaces.</param>
    /// <param name="executorConfig">Keys added to the <c>executor</c> section, each line indented by two spaces.</param>
    /// <param name="forgeOptions">How the fake forge behaves, e.g. the default actions URL it gives tasks.</param>
    public static async Task<HostRunner> StartAsync(TestImage image, string dockerConfig = "", string executorConfig = "", FakeForgeOptions? forgeOptions = null)
    {
        var reference = await TestImages.EnsureAsync(image);
        var bundle = await ExecutorBundle.EnsureAsync();
        // A directory of its own for the socket: it is what the job container gets to see of the agent.
        return await HostRunner.StartWithLabelAsync($"linux:docker://{reference}", "  socket: agent/kube-runner.sock\n" + executorConfig,
            $"docker:\n  executor_bundle: {bundle.Directory}\n" + dockerConfig, forgeOptions: forgeOptions);
    }

    /// <summary>The address of the Docker host on the default bridge: what <c>host-gateway</c> resolves to in containers.</summary>
    public static async Task<string> BridgeGatewayAsync() =>
        (await DockerCli.RunCheckedAsync("network", "inspect", "bridge", "-f", "{{(index .IPAM.Config 0).Gateway}}")).Trim();

    /// <summary>Ids of containers, networks and volumes that carry this runner's label, whatever their state.</summary>
    public static async Task<IReadOnlyList<string>> LeftoversAsync(string runnerUuid)
    {
        var filter = $"label=kube-runner.runner={runnerUuid}";
        var containers = await DockerCli.RunCheckedAsync("ps", "-aq", "--filter", filter);
        var networks = await DockerCli.RunCheckedAsync("network", "ls", "-q", "--filter", filter);
        var volumes = await DockerCli.RunCheckedAsync("volume", "ls", "-q", "--filter", filter);
        return [.. $"{containers}\n{networks}\n{volumes}".Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)];
    }

    /// <summary>Polls until nothing of the runner is left in Docker or <paramref name="bound"/> has passed; returns what is left.</summary>
    public static async Task<IReadOnlyList<string>> LeftoversAfterAsync(string runnerUuid, TimeSpan bound)
    {
        var watch = System.Diagnostics.Stopwatch.StartNew();
        while (true)
        {
            var left = await LeftoversAsync(runnerUuid);
            if (left.Count == 0 || watch.Elapsed > bound)
            {
                return left;
            }

            await Task.Delay(TimeSpan.FromMilliseconds(200));
        }
    }

    /// <summary>The id of the job container of a task of this runner (the executor is its main process).</summary>
    public static async Task<string> JobContainerAsync(string runnerUuid, long taskId)
    {
        var ids = await DockerCli.RunCheckedAsync("ps", "-q", "--filter", $"label=kube-runner.runner={runnerUuid}",
            "--filter", $"label=kube-runner.task={taskId}");
        return Assert.Single(ids.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries));
    }
}
