using System.Formats.Tar;
using System.Globalization;
using Docker.DotNet;
using Docker.DotNet.Models;
using Google.Protobuf;
using KubeRunner.Protocol.Executor.V1;
using Microsoft.Extensions.Logging;

namespace KubeRunner.Agent.Backends.Docker;

/// <summary>
/// One run of a Docker action: a container next to the job container, in its network namespace
/// and with its volumes (so it sees the workspace and the step files at the same paths), labelled
/// as the task's. Its command line and environment are not in its configuration, since they may
/// carry secrets: the executor bundle is copied in with a file holding them, and the container
/// starts the bundle's <c>exec</c> mode, which reads and deletes the file and becomes the action's
/// process. The container is removed afterwards, also when the run is cancelled.
/// </summary>
internal sealed class ActionContainer(JobContainerHandle job, ILogger logger)
{
    public const string StepLabel = "kube-runner.step";

    /// <summary>World-writable, so that an image's non-root user can delete the command file it read.</summary>
    public const string CommandDirectory = "/__kube-runner-command";

    public const string CommandFile = CommandDirectory + "/command";

    private static readonly TimeSpan RemoveBound = TimeSpan.FromSeconds(60);

    /// <summary>The command line of an image as Docker would run it with these overrides.</summary>
    /// <remarks>An entrypoint given on create also drops the image's CMD, as <c>docker run --entrypoint</c> does.</remarks>
    public static List<string> CommandLine(IList<string>? imageEntrypoint, IList<string>? imageCmd, IReadOnlyList<string> entrypoint, IReadOnlyList<string> args)
    {
        if (entrypoint.Count > 0)
        {
            return [.. entrypoint, .. args];
        }

        IEnumerable<string> cmd = args.Count > 0 ? args : imageCmd ?? [];
        return [.. imageEntrypoint ?? [], .. cmd];
    }

    /// <summary>Creates, starts and waits for the container, passing its output on as it comes.</summary>
    /// <returns>The container's exit code.</returns>
    public async Task<int> RunAsync(string image, ContainerCommand command, string workingDirectory, string step,
        Func<ReadOnlyMemory<byte>, Task> output, CancellationToken cancellationToken)
    {
        string? id = null;
        try
        {
            var created = await job.Client.Containers.CreateContainerAsync(new CreateContainerParameters
            {
                Name = string.Create(CultureInfo.InvariantCulture, $"kube-runner-{job.TaskId}-step-{Guid.NewGuid():N}")[..40],
                Image = image,
                Entrypoint = [BundleArchive.Executable],
                Cmd = ["exec", CommandFile],
                WorkingDir = workingDirectory,
                Labels = new Dictionary<string, string>(StringComparer.Ordinal)
                {
                    [DockerTaskObjects.RunnerLabel] = job.RunnerUuid,
                    [DockerTaskObjects.TaskLabel] = job.TaskId.ToString(CultureInfo.InvariantCulture),
                    [StepLabel] = step,
                },
                HostConfig = new HostConfig
                {
                    NetworkMode = $"container:{job.ContainerId}",
                    VolumesFrom = [job.ContainerId],
                },
            }, cancellationToken);
            id = created.ID;
            await using (var archive = await ArchiveAsync(command, cancellationToken))
            {
                await job.Client.Containers.ExtractArchiveToContainerAsync(id, new CopyToContainerParameters { Path = "/" }, archive, cancellationToken);
            }

            // Attached before the start, so that no output is lost.
            using var stream = await job.Client.Containers.AttachContainerAsync(id,
                new ContainerAttachParameters { Stream = true, Stdout = true, Stderr = true }, cancellationToken);
            await job.Client.Containers.StartContainerAsync(id, new ContainerStartParameters(), cancellationToken);
            DockerActionLog.ContainerStarted(logger, job.TaskId, id, image, step);
            await PumpAsync(stream, output, cancellationToken);
            var exited = await job.Client.Containers.WaitContainerAsync(id, cancellationToken);
            DockerActionLog.ContainerExited(logger, job.TaskId, id, (int)exited.StatusCode);
            return (int)exited.StatusCode;
        }
        finally
        {
            if (id is not null)
            {
                await RemoveAsync(id);
            }
        }
    }

    private static async Task PumpAsync(MultiplexedStream stream, Func<ReadOnlyMemory<byte>, Task> output, CancellationToken cancellationToken)
    {
        var buffer = new byte[16 * 1024];
        while (true)
        {
            var read = await stream.ReadOutputAsync(buffer, 0, buffer.Length, cancellationToken);
            if (read.EOF)
            {
                return;
            }

            if (read.Count > 0)
            {
                await output(buffer.AsMemory(0, read.Count));
            }
        }
    }

    /// <summary>The bundle at its fixed path, and the command file readable by whatever user the image runs as.</summary>
    private async Task<FileStream> ArchiveAsync(ContainerCommand command, CancellationToken cancellationToken)
    {
        var file = new FileStream(Path.GetTempFileName(), FileMode.Create, FileAccess.ReadWrite, FileShare.None, 81920,
            FileOptions.DeleteOnClose | FileOptions.Asynchronous);
        try
        {
            await using (var writer = new TarWriter(file, TarEntryFormat.Pax, leaveOpen: true))
            {
                var root = BundleArchive.BundlePath.TrimStart('/');
                await writer.WriteEntryAsync(new PaxTarEntry(TarEntryType.Directory, root + "/") { Mode = ReadExecute | UnixFileMode.UserWrite }, cancellationToken);
                foreach (var entry in new DirectoryInfo(job.BundleDirectory).EnumerateFileSystemInfos("*", SearchOption.AllDirectories))
                {
                    await writer.WriteEntryAsync(entry.FullName, $"{root}/{Path.GetRelativePath(job.BundleDirectory, entry.FullName)}", cancellationToken);
                }

                var directory = CommandDirectory.TrimStart('/');
                await writer.WriteEntryAsync(new PaxTarEntry(TarEntryType.Directory, directory + "/")
                {
                    Mode = ReadExecute | UnixFileMode.UserWrite | UnixFileMode.GroupWrite | UnixFileMode.OtherWrite,
                }, cancellationToken);
                await writer.WriteEntryAsync(new PaxTarEntry(TarEntryType.RegularFile, CommandFile.TrimStart('/'))
                {
                    Mode = UnixFileMode.UserRead | UnixFileMode.GroupRead | UnixFileMode.OtherRead,
                    DataStream = new MemoryStream(command.ToByteArray()),
                }, cancellationToken);
            }

            file.Position = 0;
            return file;
        }
        catch
        {
            await file.DisposeAsync();
            throw;
        }
    }

    private const UnixFileMode ReadExecute = UnixFileMode.UserRead | UnixFileMode.UserExecute | UnixFileMode.GroupRead
        | UnixFileMode.GroupExecute | UnixFileMode.OtherRead | UnixFileMode.OtherExecute;

    /// <summary>Kills (if it runs) and removes the container; a cancelled run gets here too.</summary>
    private async Task RemoveAsync(string id)
    {
        using var bound = new CancellationTokenSource(RemoveBound);
        try
        {
            await job.Client.Containers.RemoveContainerAsync(id, new ContainerRemoveParameters { Force = true }, bound.Token);
        }
        catch (DockerContainerNotFoundException)
        {
        }
        catch (Exception e) when (DockerBackend.IsDockerFailure(e) || e is OperationCanceledException)
        {
            DockerLog.RemoveFailed(logger, job.TaskId, "action container", id, e);
        }
    }
}
