using System.Text.Json;
using Docker.DotNet;
using Docker.DotNet.Models;
using KubeRunner.Agent.Backends.Docker.Spec;
using KubeRunner.Agent.Configuration;

namespace KubeRunner.Agent.Backends.Docker;

/// <summary>Makes a job's image present by the pull policy; a failure is a one-line message naming image and reason.</summary>
internal static class DockerImages
{
    /// <summary>Every image of the task at once, each with its own credentials and platform.</summary>
    /// <returns>Null when all are present, else the first problem.</returns>
    public static async Task<DockerProblem?> EnsureAllAsync(IDockerClient client, DockerTaskPlan plan, DockerOptions docker, CancellationToken cancellationToken)
    {
        var problems = await Task.WhenAll(plan.Services.Append(plan.Job).Select(async container =>
        {
            var auth = container.Spec.Credentials is { } credentials
                ? new AuthConfig { Username = credentials.Username, Password = credentials.Password }
                : null;
            try
            {
                return await EnsureAsync(client, container.Image, docker.Pull, auth,
                    container.Workflow.Platform ?? plan.Profile.Settings.Platform, cancellationToken) is { } pull
                    ? new DockerProblem(pull, Diagnostics.BackendFailureReasons.ImagePull)
                    : null;
            }
            catch (Exception e) when (DockerBackend.IsDockerFailure(e))
            {
                return new DockerProblem($"The runner could not use Docker at {docker.Host} for the image {container.Image}: {DockerBackend.Describe(e)}",
                    Diagnostics.BackendFailureReasons.ApiError);
            }
        }));
        return problems.FirstOrDefault(problem => problem is not null);
    }

    /// <returns>Null when the image is there, else why it is not.</returns>
    /// <param name="auth">Registry credentials for this image only, or null; never logged.</param>
    /// <param name="platform">The workflow's <c>--platform</c> for the pull, or null for the daemon's own.</param>
    public static async Task<string?> EnsureAsync(IDockerClient client, string image, string policy, AuthConfig? auth, string? platform,
        CancellationToken cancellationToken)
    {
        if (policy != DockerOptions.PullAlways && await ExistsAsync(client, image, cancellationToken))
        {
            return null;
        }

        var (fromImage, tag) = ImageReference.ForPull(image);
        string? streamed = null;
        try
        {
            // A pull that fails after it started answers 200 and reports the error in its progress stream.
            var progress = new Progress<JSONMessage>(message => streamed = message.Error?.Message is { Length: > 0 } error ? error : streamed);
            await client.Images.CreateImageAsync(new ImagesCreateParameters { FromImage = fromImage, Tag = tag, Platform = platform ?? "" }, auth, progress, cancellationToken);
        }
        catch (DockerApiException e)
        {
            return $"The image {image} could not be pulled: {Reason(e)}";
        }

        if (await ExistsAsync(client, image, cancellationToken))
        {
            return null;
        }

        return $"The image {image} could not be pulled: {streamed ?? "the daemon reported no error, yet the image is not there"}";
    }

    /// <summary>The daemon's own message when the answer carries one, e.g. the registry that could not be reached.</summary>
    public static string Reason(DockerApiException e)
    {
        try
        {
            using var body = JsonDocument.Parse(e.ResponseBody ?? "");
            if (body.RootElement.ValueKind == JsonValueKind.Object && body.RootElement.TryGetProperty("message", out var message)
                && message.GetString() is { Length: > 0 } text)
            {
                return text.Trim();
            }
        }
        catch (JsonException)
        {
        }

        return e.ResponseBody is { Length: > 0 } raw ? $"{(int)e.StatusCode} {raw.Trim()}" : e.Message;
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
