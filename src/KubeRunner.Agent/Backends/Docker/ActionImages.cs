using Docker.DotNet;
using Docker.DotNet.Models;

namespace KubeRunner.Agent.Backends.Docker;

/// <summary>
/// Images built from Docker actions' Dockerfiles, tagged <c>kube-runner-action:&lt;content hash&gt;</c>:
/// an action whose files did not change is built once per Docker daemon (unless
/// <c>container.force_rebuild</c>). The images stay after the job, labelled with the runner that
/// built them, like forgejo-runner's action images.
/// </summary>
internal static class ActionImages
{
    public const string Repository = "kube-runner-action";

    /// <summary>Marks an image as a built action's, with the hash of its files.</summary>
    public const string ContextLabel = "kube-runner.action-context";

    public static string Tag(ActionBuildContext context, string dockerfile) =>
        $"{Repository}:{Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(System.Text.Encoding.UTF8.GetBytes($"{context.Hash}\n{dockerfile}")))[..32]}";

    /// <summary>Builds the image unless it exists (or <paramref name="forceRebuild"/>).</summary>
    /// <param name="status">Gets one line when a build starts and the build's own output, line by line.</param>
    /// <returns>The image, or why it could not be built (one line).</returns>
    public static async Task<(string? Image, string? Problem)> EnsureAsync(IDockerClient client, ActionBuildContext context, string dockerfile,
        string runnerUuid, bool forceRebuild, Action<string> status, CancellationToken cancellationToken)
    {
        var tag = Tag(context, dockerfile);
        if (!forceRebuild && await ExistsAsync(client, tag, cancellationToken))
        {
            status($"Using the image {tag}, built earlier from the same files");
            return (tag, null);
        }

        status($"Building the image {tag} from {dockerfile}");
        string? error = null;
        // Called on the reading thread (Progress<T> would post later, after the build call returned).
        var progress = new SyncProgress(message =>
        {
            if (message.Error?.Message is { Length: > 0 } failed)
            {
                error = failed.Trim();
            }
            else if (message.Stream?.TrimEnd('\n', '\r') is { Length: > 0 } line)
            {
                foreach (var part in line.Split('\n'))
                {
                    status(part.TrimEnd('\r'));
                }
            }
        });
        try
        {
            await client.Images.BuildImageFromDockerfileAsync(new ImageBuildParameters
            {
                Tags = [tag],
                Dockerfile = dockerfile,
                Labels = new Dictionary<string, string>(StringComparer.Ordinal)
                {
                    [DockerTaskObjects.RunnerLabel] = runnerUuid,
                    [ContextLabel] = context.Hash,
                },
                Remove = true,
                ForceRemove = true,
                NoCache = forceRebuild,
            }, context.Archive, null, null, progress, cancellationToken);
        }
        catch (DockerApiException e)
        {
            return (null, $"The image of the action could not be built: {DockerImages.Reason(e)}");
        }

        if (error is null && await ExistsAsync(client, tag, cancellationToken))
        {
            return (tag, null);
        }

        return (null, $"The image of the action could not be built: {error ?? "the daemon reported no error, yet the image is not there"}");
    }

    private sealed class SyncProgress(Action<JSONMessage> report) : IProgress<JSONMessage>
    {
        public void Report(JSONMessage value) => report(value);
    }

    private static async Task<bool> ExistsAsync(IDockerClient client, string image, CancellationToken cancellationToken)
    {
        try
        {
            await client.Images.InspectImageAsync(image, cancellationToken);
            return true;
        }
        catch (DockerImageNotFoundException)
        {
            return false;
        }
    }
}
