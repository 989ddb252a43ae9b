using System.Threading.Channels;
using Docker.DotNet;
using Docker.DotNet.Models;
using Google.Protobuf;
using Grpc.Core;
using KubeRunner.Agent.Actions;
using KubeRunner.Agent.Configuration;
using KubeRunner.Agent.Executors;
using KubeRunner.Protocol.Executor.V1;
using Microsoft.Extensions.Logging;

namespace KubeRunner.Agent.Backends.Docker;

/// <summary>
/// Answers RunContainer for tasks of the Docker backend: makes the action's image present (pulled
/// by the pull policy, or built from the action's files: a remote action's from the agent's cache, a
/// local action's read out of the job container), then runs it as an <see cref="ActionContainer"/>.
/// Every answer goes through one queue, since build progress and output come from other threads.
/// </summary>
internal sealed class DockerActionService(ActionCache cache, RunnerConfig config, ILogger<DockerActionService> logger)
{
    public async Task RunAsync(ExecutorSession session, RunContainerRequest request, IServerStreamWriter<RunContainerResponse> responses, CancellationToken cancellationToken)
    {
        if (session.JobContainer is not { } job)
        {
            var backend = session.Settings.Backend.Length > 0 ? session.Settings.Backend : "host";
            DockerActionLog.Refused(logger, session.TaskId, backend);
            throw new RpcException(new Grpc.Core.Status(StatusCode.FailedPrecondition,
                $"Docker actions run only on the Docker backend, and this job runs on the {backend} backend"));
        }

        var outbox = Channel.CreateUnbounded<RunContainerResponse>(new UnboundedChannelOptions { SingleReader = true });
        var writing = WriteAsync(outbox.Reader, responses, cancellationToken);
        try
        {
            var code = await RunCoreAsync(job, request, outbox.Writer, cancellationToken);
            outbox.Writer.TryWrite(new RunContainerResponse { ExitCode = code });
        }
        finally
        {
            outbox.Writer.TryComplete();
            await writing;
        }
    }

    private async Task<int> RunCoreAsync(JobContainerHandle job, RunContainerRequest request, ChannelWriter<RunContainerResponse> outbox, CancellationToken cancellationToken)
    {
        void Status(string line) => outbox.TryWrite(new RunContainerResponse { Status = line });
        var what = request.ImageSourceCase == RunContainerRequest.ImageSourceOneofCase.Image ? request.Image : "a Dockerfile";
        DockerActionLog.Requested(logger, job.TaskId, what, request.Step);
        try
        {
            var (image, problem) = request.ImageSourceCase switch
            {
                RunContainerRequest.ImageSourceOneofCase.Image => await PullAsync(job.Client, request.Image, cancellationToken),
                RunContainerRequest.ImageSourceOneofCase.Build => await BuildAsync(job, request.Build, Status, cancellationToken),
                _ => (null, "the request names no image"),
            };
            if (image is null)
            {
                return Fail(job, request, problem!, Status);
            }

            var inspected = await job.Client.Images.InspectImageAsync(image, cancellationToken);
            var argv = ActionContainer.CommandLine(inspected.Config?.Entrypoint, inspected.Config?.Cmd, request.Entrypoint, request.Args);
            if (argv.Count == 0)
            {
                return Fail(job, request, $"the image {image} has no entrypoint and no command, and the action gives none", Status);
            }

            var command = new ContainerCommand { Argv = { argv }, Env = { request.Env } };
            var container = new ActionContainer(job, logger);
            return await container.RunAsync(image, command, request.WorkingDirectory, request.Step,
                chunk => outbox.WriteAsync(new RunContainerResponse { Output = ByteString.CopyFrom(chunk.Span) }, cancellationToken).AsTask(),
                cancellationToken);
        }
        catch (ActionFetchException e)
        {
            return Fail(job, request, e.Message, Status);
        }
        catch (Exception e) when (DockerBackend.IsDockerFailure(e) || e is InvalidDataException)
        {
            return Fail(job, request, e is DockerApiException api ? DockerImages.Reason(api) : e.Message, Status);
        }
    }

    private int Fail(JobContainerHandle job, RunContainerRequest request, string problem, Action<string> status)
    {
        DockerActionLog.Failed(logger, job.TaskId, request.Step, problem);
        status(problem);
        return -1;
    }

    private async Task<(string? Image, string? Problem)> PullAsync(IDockerClient client, string image, CancellationToken cancellationToken)
    {
        // docker.pull already follows container.force_pull unless it is set itself.
        var problem = await DockerImages.EnsureAsync(client, image, config.Docker.Pull, auth: null, platform: null, cancellationToken);
        return problem is null ? (image, null) : (null, problem);
    }

    private async Task<(string? Image, string? Problem)> BuildAsync(JobContainerHandle job, ImageBuild build, Action<string> status, CancellationToken cancellationToken)
    {
        if (ActionBuildContext.Relative(build.Dockerfile, 0) is not { } dockerfile)
        {
            return (null, $"the Dockerfile '{build.Dockerfile}' is not a path inside the action");
        }

        await using var context = await ReadContextAsync(job, build, cancellationToken);
        return await ActionImages.EnsureAsync(job.Client, context, dockerfile, job.RunnerUuid, config.Container.ForceRebuild, status, cancellationToken);
    }

    private async Task<ActionBuildContext> ReadContextAsync(JobContainerHandle job, ImageBuild build, CancellationToken cancellationToken)
    {
        if (build.ContextCase == ImageBuild.ContextOneofCase.Remote)
        {
            using var lease = await cache.AcquireAsync(build.Remote.RepositoryUrl, build.Remote.Ref, cancellationToken);
            var directory = Path.GetFullPath(Path.Combine(lease.Directory, build.Remote.Path));
            if (!directory.StartsWith(lease.Directory, StringComparison.Ordinal))
            {
                throw new InvalidDataException($"the path '{build.Remote.Path}' leaves the action's repository");
            }

            return await ActionBuildContext.FromDirectoryAsync(directory, cancellationToken);
        }

        // The Engine API names the archive's entries after the directory asked for.
        var archive = await job.Client.Containers.GetArchiveFromContainerAsync(job.ContainerId,
            new ContainerPathStatParameters { Path = build.ContainerPath }, false, cancellationToken);
        await using var stream = archive.Stream ?? throw new InvalidDataException($"Docker sent no archive of {build.ContainerPath}");
        // Read whole first: the tar reader wants a stream that ends where the archive does.
        await using var copy = new FileStream(Path.GetTempFileName(), FileMode.Create, FileAccess.ReadWrite, FileShare.None, 81920,
            FileOptions.DeleteOnClose | FileOptions.Asynchronous);
        await stream.CopyToAsync(copy, cancellationToken);
        copy.Position = 0;
        return await ActionBuildContext.FromTarAsync(copy, stripComponents: 1, cancellationToken);
    }

    private static async Task WriteAsync(ChannelReader<RunContainerResponse> outbox, IServerStreamWriter<RunContainerResponse> responses, CancellationToken cancellationToken)
    {
        try
        {
            await foreach (var response in outbox.ReadAllAsync(cancellationToken))
            {
                await responses.WriteAsync(response, cancellationToken);
            }
        }
        catch (Exception e) when (e is OperationCanceledException or InvalidOperationException or IOException)
        {
            // The executor went away (a cancelled step): the container is removed by the run's own cancellation.
        }
    }
}
