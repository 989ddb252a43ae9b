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
    public static async Task<HostRunner> StartAsync(TestImage image, string extraConfig = "", FakeForgeOptions? forgeOptions = null)
    {
        var reference = await TestImages.EnsureAsync(image);
        var bundle = await ExecutorBundle.EnsureAsync();
        // A directory of its own for the socket: it is what the job container gets to see of the agent.
        return await HostRunner.StartWithLabelAsync($"linux:docker://{reference}", "  socket: agent/kube-runner.sock\n",
            $"docker:\n  executor_bundle: {bundle.Directory}\n" + extraConfig, forgeOptions: forgeOptions);
    }

    /// <summary>Ids of containers and networks that carry this runner's label, whatever their state.</summary>
    public static async Task<IReadOnlyList<string>> LeftoversAsync(string runnerUuid)
    {
        var filter = $"label=kube-runner.runner={runnerUuid}";
        var containers = await DockerCli.RunCheckedAsync("ps", "-aq", "--filter", filter);
        var networks = await DockerCli.RunCheckedAsync("network", "ls", "-q", "--filter", filter);
        return [.. $"{containers}\n{networks}".Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)];
    }
}
