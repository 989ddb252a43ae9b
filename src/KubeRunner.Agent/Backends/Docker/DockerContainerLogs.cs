using Docker.DotNet;
using Docker.DotNet.Models;

namespace KubeRunner.Agent.Backends.Docker;

internal static class DockerContainerLogs
{
    /// <summary>The last lines the executor wrote (its own diagnostics; the job's output goes over gRPC), or empty.</summary>
    public static async Task<string> TailAsync(IDockerClient client, string containerId)
    {
        try
        {
            using var bound = new CancellationTokenSource(TimeSpan.FromSeconds(10));
            using var stream = await client.Containers.GetContainerLogsAsync(containerId,
                new ContainerLogsParameters { ShowStdout = true, ShowStderr = true, Tail = "20" }, bound.Token);
            var (stdout, stderr) = await stream.ReadOutputToEndAsync(bound.Token);
            return $"{stdout}{stderr}".Trim();
        }
        catch (Exception e) when (DockerBackend.IsDockerFailure(e) || e is OperationCanceledException)
        {
            return "";
        }
    }
}
