using System.Globalization;
using Docker.DotNet;
using Docker.DotNet.Models;

namespace KubeRunner.Agent.Backends.Docker;

/// <summary>Reads the end of a container's log: the executor's own diagnostics, or a failed service's output.</summary>
internal static class DockerContainerLogs
{
    /// <summary>The last <paramref name="lines"/> lines the container wrote, or empty when they cannot be read.</summary>
    public static async Task<string> TailAsync(IDockerClient client, string containerId, int lines)
    {
        try
        {
            using var bound = new CancellationTokenSource(TimeSpan.FromSeconds(10));
            using var stream = await client.Containers.GetContainerLogsAsync(containerId,
                new ContainerLogsParameters { ShowStdout = true, ShowStderr = true, Tail = lines.ToString(CultureInfo.InvariantCulture) }, bound.Token);
            var (stdout, stderr) = await stream.ReadOutputToEndAsync(bound.Token);
            return $"{stdout}{stderr}".Trim();
        }
        catch (Exception e) when (DockerBackend.IsDockerFailure(e) || e is OperationCanceledException)
        {
            return "";
        }
    }
}
