using System.Formats.Tar;
using System.Security.Cryptography;
using System.Text;

namespace KubeRunner.Agent.Backends.Docker;

/// <summary>
/// The files a Docker action's image is built from, as the tar that the Engine API's build takes,
/// and a hash of their content (names, kinds, modes, link targets and bytes; not times or owners),
/// so that an unchanged action is built once and its image reused by later jobs.
/// </summary>
internal sealed class ActionBuildContext : IAsyncDisposable
{
    private ActionBuildContext(FileStream archive, string hash)
    {
        Archive = archive;
        Hash = hash;
    }

    /// <summary>The context as a tar, at position 0; deleted when this is disposed.</summary>
    public FileStream Archive { get; }

    /// <summary>Lower-case hex SHA-256 of the content.</summary>
    public string Hash { get; }

    /// <summary>Reads a directory of this machine (a remote action in the agent's cache).</summary>
    public static async Task<ActionBuildContext> FromDirectoryAsync(string directory, CancellationToken cancellationToken)
    {
        await using var tar = TempFile();
        await TarFile.CreateFromDirectoryAsync(directory, tar, includeBaseDirectory: false, cancellationToken);
        tar.Position = 0;
        return await FromTarAsync(tar, stripComponents: 0, cancellationToken);
    }

    /// <summary>
    /// Copies the entries of <paramref name="source"/> into the context, without their first
    /// <paramref name="stripComponents"/> path components (the Engine API's archive of a directory
    /// names its entries after that directory). Entries that would leave the context, and kinds a
    /// build cannot use (devices, fifos), are left out.
    /// </summary>
    public static async Task<ActionBuildContext> FromTarAsync(Stream source, int stripComponents, CancellationToken cancellationToken)
    {
        var output = TempFile();
        try
        {
            var digests = new List<string>();
            await using (var reader = new TarReader(source, leaveOpen: true))
            await using (var writer = new TarWriter(output, TarEntryFormat.Pax, leaveOpen: true))
            {
                while (await reader.GetNextEntryAsync(copyData: false, cancellationToken) is { } entry)
                {
                    if (Relative(entry.Name, stripComponents) is not { } name || !IsKept(entry.EntryType))
                    {
                        continue;
                    }

                    var kind = Kind(entry.EntryType);
                    var copy = new PaxTarEntry(kind, kind == TarEntryType.Directory ? name + "/" : name) { Mode = entry.Mode };
                    var content = "";
                    if (copy.EntryType == TarEntryType.RegularFile && entry.DataStream is { } data)
                    {
                        var bytes = new MemoryStream();
                        await data.CopyToAsync(bytes, cancellationToken);
                        content = Convert.ToHexStringLower(SHA256.HashData(bytes.GetBuffer().AsSpan(0, (int)bytes.Length)));
                        bytes.Position = 0;
                        copy.DataStream = bytes;
                    }
                    else if (copy.EntryType == TarEntryType.SymbolicLink)
                    {
                        copy.LinkName = entry.LinkName;
                        content = entry.LinkName;
                    }

                    await writer.WriteEntryAsync(copy, cancellationToken);
                    digests.Add($"{name}\0{copy.EntryType}\0{(int)entry.Mode}\0{content}");
                }
            }

            // Sorted, so the order in which a file system lists the files does not change the hash.
            digests.Sort(StringComparer.Ordinal);
            var hash = Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(string.Join('\n', digests))));
            output.Position = 0;
            return new ActionBuildContext(output, hash);
        }
        catch
        {
            await output.DisposeAsync();
            throw;
        }
    }

    /// <summary>The entry's name below the context, or null when it is the context itself or would leave it.</summary>
    public static string? Relative(string name, int stripComponents)
    {
        var parts = name.Replace('\\', '/').Split('/', StringSplitOptions.RemoveEmptyEntries).Where(p => p != ".").ToArray();
        if (parts.Length <= stripComponents || parts.Contains(".."))
        {
            return null;
        }

        return string.Join('/', parts.Skip(stripComponents));
    }

    private static bool IsKept(TarEntryType type) => type is TarEntryType.RegularFile or TarEntryType.V7RegularFile
        or TarEntryType.Directory or TarEntryType.SymbolicLink;

    private static TarEntryType Kind(TarEntryType type) => type == TarEntryType.V7RegularFile ? TarEntryType.RegularFile : type;

    private static FileStream TempFile() => new(Path.GetTempFileName(), FileMode.Create, FileAccess.ReadWrite, FileShare.None, 81920,
        FileOptions.DeleteOnClose | FileOptions.Asynchronous);

    public async ValueTask DisposeAsync() => await Archive.DisposeAsync();
}
