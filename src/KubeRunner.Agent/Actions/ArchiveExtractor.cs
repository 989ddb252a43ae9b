using System.Formats.Tar;
using System.IO.Compression;

namespace KubeRunner.Agent.Actions;

/// <summary>
/// Unpacks a <c>.tar.gz</c> source archive (Forgejo's, Gitea's, GitHub's, <c>git archive</c>'s) into a
/// directory: the single top-level directory is dropped, file modes (executable bits) and symbolic
/// links are kept, and any entry that would end up outside the directory is refused.
/// </summary>
internal static class ArchiveExtractor
{
    private const UnixFileMode PermissionBits = (UnixFileMode)0b111_111_111;

    /// <summary>Extracts <paramref name="tarGz"/> into the existing, empty <paramref name="target"/>.</summary>
    /// <exception cref="InvalidDataException">An unsafe entry, or an archive that is damaged or empty.</exception>
    /// <exception cref="EndOfStreamException">The archive ends early.</exception>
    public static async Task ExtractAsync(Stream tarGz, string target, CancellationToken cancellationToken)
    {
        await using var gzip = new GZipStream(tarGz, CompressionMode.Decompress, leaveOpen: true);
        // The tar reader throws EndOfStreamException when the input ends before the end-of-archive
        // marker, which catches archives cut off at an entry boundary (the gzip reader does not
        // notice a missing trailer).
        await using var reader = new TarReader(gzip, leaveOpen: true);
        var paths = new ArchivePaths(target);
        List<string[]> links = [];
        var entries = 0;
        while (await reader.GetNextEntryAsync(copyData: false, cancellationToken) is { } entry)
        {
            if (entry.EntryType == TarEntryType.GlobalExtendedAttributes)
            {
                // git archive and GitHub put the commit id there; it is not a file.
                continue;
            }

            entries++;
            var segments = paths.Relative(entry.Name);
            if (segments.Length == 0)
            {
                if (entry.EntryType != TarEntryType.Directory)
                {
                    throw new InvalidDataException($"the archive holds the file '{entry.Name}' instead of a single top-level directory");
                }

                continue;
            }

            await WriteEntryAsync(entry, paths, segments, links, cancellationToken);
        }

        if (entries == 0)
        {
            throw new InvalidDataException("the archive is empty");
        }

        foreach (var link in links)
        {
            if (new FileInfo(Path.Join([target, .. link])).LinkTarget is { } linkTarget && !paths.LinkStaysInside(link, linkTarget))
            {
                throw new InvalidDataException($"the symbolic link '{string.Join('/', link)}' -> '{linkTarget}' points outside the action's directory");
            }
        }
    }

    private static async Task WriteEntryAsync(TarEntry entry, ArchivePaths paths, string[] segments, List<string[]> links, CancellationToken cancellationToken)
    {
        var path = paths.Full(segments, entry.Name);
        switch (entry.EntryType)
        {
            case TarEntryType.Directory:
                Directory.CreateDirectory(path);
                break;
            case TarEntryType.RegularFile or TarEntryType.V7RegularFile or TarEntryType.ContiguousFile:
                await WriteFileAsync(path, entry.DataStream, entry.Mode, cancellationToken);
                break;
            case TarEntryType.SymbolicLink:
                if (!paths.LinkStaysInside(segments, entry.LinkName))
                {
                    throw new InvalidDataException($"the symbolic link '{entry.Name}' -> '{entry.LinkName}' points outside the action's directory");
                }

                PrepareParent(path);
                File.CreateSymbolicLink(path, entry.LinkName);
                links.Add(segments);
                break;
            case TarEntryType.HardLink:
                // A hard link names an earlier entry of the archive; a copy serves an action as well.
                var source = paths.Full(paths.Relative(entry.LinkName), entry.Name);
                if (!File.Exists(source) || new FileInfo(source).LinkTarget is not null)
                {
                    throw new InvalidDataException($"the hard link '{entry.Name}' names '{entry.LinkName}', which is not a file extracted before it");
                }

                PrepareParent(path);
                File.Copy(source, path);
                break;
            default:
                // Devices and FIFOs have no place in an action.
                break;
        }
    }

    private static async Task WriteFileAsync(string path, Stream? data, UnixFileMode mode, CancellationToken cancellationToken)
    {
        PrepareParent(path);
        // Permission bits only (no set-id bits), and always readable and writable by the runner.
        var permissions = (mode & PermissionBits) | UnixFileMode.UserRead | UnixFileMode.UserWrite;
        var options = new FileStreamOptions { Mode = FileMode.CreateNew, Access = FileAccess.Write };
        if (!OperatingSystem.IsWindows())
        {
            options.UnixCreateMode = permissions;
        }

        await using (var file = new FileStream(path, options))
        {
            if (data is not null)
            {
                await data.CopyToAsync(file, cancellationToken);
            }
        }

        if (!OperatingSystem.IsWindows())
        {
            // The create mode went through the umask; the archive's mode is what the action expects.
            File.SetUnixFileMode(path, permissions);
        }
    }

    // A later entry of the same name replaces an earlier one, as tar does.
    private static void PrepareParent(string path)
    {
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        if (File.Exists(path) || new FileInfo(path).LinkTarget is not null)
        {
            File.Delete(path);
        }
    }
}
