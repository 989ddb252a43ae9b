using System.Text.Json;
using KubeRunner.Testing.Docker;

namespace KubeRunner.Testing.FakeKubernetes.Docker;

/// <summary>How a container ended, in the kubelet's terms: exit code, and reason Completed, Error or OOMKilled.</summary>
internal sealed record DockerContainerState(int ExitCode, string Reason, string? Error)
{
    /// <summary>Reads <c>State</c> of a stopped container from <c>docker inspect</c>.</summary>
    public static async Task<DockerContainerState> InspectAsync(string containerId)
    {
        var json = await DockerCli.RunCheckedAsync("inspect", "--format", "{{json .State}}", containerId);
        using var state = JsonDocument.Parse(json);
        var root = state.RootElement;
        var exitCode = root.GetProperty(nameof(ExitCode)).GetInt32();
        var reason = root.GetProperty("OOMKilled").GetBoolean() ? "OOMKilled" : exitCode == 0 ? "Completed" : "Error";
        return new DockerContainerState(exitCode, reason, root.GetProperty(nameof(Error)).GetString());
    }
}
