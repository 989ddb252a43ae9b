using System.Formats.Tar;

namespace KubeRunner.Agent.Backends.Docker;

/// <summary>
/// The tar uploaded into a created job container (Engine API <c>PUT /containers/{id}/archive</c>) before
/// it starts: the executor bundle at <see cref="BundlePath"/>, the task's token file, and the job's
/// directories. Copying through the API, not a bind mount, works also when the agent itself runs in a
/// container that has only the Docker socket.
/// </summary>
internal static class BundleArchive
{
    /// <summary>Where the bundle must be: the executor's ELF interpreter path points into it (docs/adr/0005-executor-binary.md).</summary>
    public const string BundlePath = "/__kube-runner";

    public const string Executable = BundlePath + "/kube-runner-executor";

    /// <summary>The token as a file readable by root only, so that it is in no container configuration.</summary>
    public const string TokenFile = BundlePath + "/task-token";

    /// <summary>Writes the archive to a temporary file that is deleted when the stream is closed.</summary>
    public static async Task<FileStream> CreateAsync(string bundleDirectory, string token, IEnumerable<string> directories, CancellationToken cancellationToken)
    {
        if (!File.Exists(Path.Combine(bundleDirectory, "kube-runner-executor")))
        {
            throw new IOException($"the executor bundle is missing: no kube-runner-executor in {bundleDirectory} (set docker.executor_bundle)");
        }

        var file = new FileStream(Path.GetTempFileName(), FileMode.Create, FileAccess.ReadWrite, FileShare.None, 81920,
            FileOptions.DeleteOnClose | FileOptions.Asynchronous);
        try
        {
            await using (var writer = new TarWriter(file, TarEntryFormat.Pax, leaveOpen: true))
            {
                foreach (var directory in directories)
                {
                    await writer.WriteEntryAsync(Directory(directory.TrimStart('/')), cancellationToken);
                }

                var root = BundlePath.TrimStart('/');
                await writer.WriteEntryAsync(Directory(root), cancellationToken);
                foreach (var entry in new DirectoryInfo(bundleDirectory).EnumerateFileSystemInfos("*", SearchOption.AllDirectories))
                {
                    // WriteEntry keeps what the file system says: mode, symbolic links, directories.
                    var name = $"{root}/{Path.GetRelativePath(bundleDirectory, entry.FullName)}";
                    await writer.WriteEntryAsync(entry.FullName, name, cancellationToken);
                }

                var tokenBytes = System.Text.Encoding.UTF8.GetBytes(token);
                var tokenEntry = new PaxTarEntry(TarEntryType.RegularFile, TokenFile.TrimStart('/'))
                {
                    Mode = UnixFileMode.UserRead,
                    DataStream = new MemoryStream(tokenBytes),
                };
                await writer.WriteEntryAsync(tokenEntry, cancellationToken);
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

    private static PaxTarEntry Directory(string name) => new(TarEntryType.Directory, name.TrimEnd('/') + "/")
    {
        Mode = UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute
            | UnixFileMode.GroupRead | UnixFileMode.GroupExecute | UnixFileMode.OtherRead | UnixFileMode.OtherExecute,
    };
}
