using System.Text.Json;
using KubeRunner.Agent.Configuration;
using Microsoft.Extensions.Logging;

namespace KubeRunner.Agent.Actions;

/// <summary>
/// The cache's files: <c>{root}/{hash of url}/{sha}/</c> (the tree) and <c>{sha}.json</c> beside it
/// (metadata, written after the tree is in place, so a tree without metadata is an unfinished one).
/// Downloads go to <c>{root}/.staging-*</c> and are moved into place whole; removed trees are first
/// renamed to <c>{root}/.evicted-*</c>, so their path is free at once.
/// </summary>
internal sealed class ActionCacheStore(string root, ILogger logger)
{
    private const string StagingPrefix = ".staging-";
    private const string EvictedPrefix = ".evicted-";
    private const string MetadataSuffix = ".json";
    private const string TemporarySuffix = ".tmp";
    private const int RepositoryHashLength = 32;

    public string Root { get; } = root;

    /// <summary>
    /// Creates the root if needed, removes what earlier processes left half done (staging and evicted
    /// directories, trees without metadata, unreadable metadata) and returns the complete entries.
    /// Only names the cache itself makes are touched, so a cache_dir that also holds other files
    /// (a mistake, but a possible one) loses nothing else.
    /// </summary>
    public List<ActionCacheEntry> Load()
    {
        Directory.CreateDirectory(Root);
        List<ActionCacheEntry> entries = [];
        foreach (var directory in Directory.EnumerateDirectories(Root))
        {
            var name = Path.GetFileName(directory);
            if (name.StartsWith(StagingPrefix, StringComparison.Ordinal) || name.StartsWith(EvictedPrefix, StringComparison.Ordinal))
            {
                Delete(directory);
            }
            else if (name.Length == RepositoryHashLength && name.All(char.IsAsciiHexDigitLower))
            {
                entries.AddRange(LoadRepository(directory));
            }
        }

        return entries;
    }

    /// <summary>A new, empty staging directory for one download.</summary>
    public string CreateStaging() => Directory.CreateDirectory(Path.Join(Root, StagingPrefix + Path.GetRandomFileName())).FullName;

    /// <summary>Moves a finished download into place and writes its metadata; afterwards the staging directory is gone.</summary>
    public ActionCacheEntry Commit(string staging, ActionRepository repository, string sha, string reference, long size, DateTimeOffset now)
    {
        var directory = Path.Join(Root, repository.Hash, sha);
        Directory.CreateDirectory(Path.GetDirectoryName(directory)!);
        if (Directory.Exists(directory))
        {
            // Only an unfinished commit of an earlier process can be there (Load removes those, but the
            // directory may have been touched since): the new download replaces it.
            Delete(MoveAside(directory));
        }

        Directory.Move(staging, directory);
        var entry = new ActionCacheEntry(repository, sha, directory, size) { LastUse = now };
        entry.References.Add(reference);
        try
        {
            WriteMetadata(entry.ToMetadata(), MetadataPath(entry));
        }
        catch
        {
            Delete(MoveAside(directory));
            throw;
        }

        return entry;
    }

    public static void WriteMetadata(ActionCacheEntry entry, ActionCacheMetadata metadata) => WriteMetadata(metadata, MetadataPath(entry));

    /// <summary>Takes an entry out of the cache's paths at once (a rename); returns the directory to delete later.</summary>
    public string Evict(ActionCacheEntry entry)
    {
        var aside = MoveAside(entry.Directory);
        File.Delete(MetadataPath(entry));
        return aside;
    }

    /// <summary>Deletes a directory tree; failures are logged, and the next start removes what is left.</summary>
    public void Delete(string path)
    {
        try
        {
            if (Directory.Exists(path))
            {
                Directory.Delete(path, recursive: true);
            }
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            ActionsLog.CleanupFailed(logger, path, e.Message);
        }
    }

    private List<ActionCacheEntry> LoadRepository(string repositoryDirectory)
    {
        List<ActionCacheEntry> entries = [];
        foreach (var file in Directory.EnumerateFiles(repositoryDirectory))
        {
            var name = Path.GetFileName(file);
            if (name.StartsWith('.') && name.EndsWith(TemporarySuffix, StringComparison.Ordinal))
            {
                // Left by an interrupted metadata write (AtomicFile's temporary file).
                DeleteFile(file, "an unfinished metadata file");
            }
            else if (name.EndsWith(MetadataSuffix, StringComparison.Ordinal) && GitSha.IsFull(name[..^MetadataSuffix.Length]))
            {
                if (ReadEntry(repositoryDirectory, file, out var problem) is { } entry)
                {
                    entries.Add(entry);
                }
                else
                {
                    DeleteFile(file, problem);
                }
            }
        }

        var known = entries.Select(entry => entry.Directory).ToHashSet(StringComparer.Ordinal);
        foreach (var tree in Directory.EnumerateDirectories(repositoryDirectory))
        {
            if (GitSha.IsFull(Path.GetFileName(tree)) && !known.Contains(tree))
            {
                ActionsLog.EntryDropped(logger, tree, "no metadata (an interrupted download)");
                Delete(tree);
            }
        }

        if (!Directory.EnumerateFileSystemEntries(repositoryDirectory).Any())
        {
            // Evicting the last commit of a repository leaves its directory; it goes at the next start.
            Delete(repositoryDirectory);
        }

        return entries;
    }

    private static ActionCacheEntry? ReadEntry(string repositoryDirectory, string file, out string problem)
    {
        ActionCacheMetadata? metadata;
        try
        {
            metadata = JsonSerializer.Deserialize(File.ReadAllText(file), ActionCacheJson.Default.ActionCacheMetadata);
        }
        catch (Exception e) when (e is JsonException or IOException or UnauthorizedAccessException)
        {
            problem = $"unreadable metadata: {e.Message}";
            return null;
        }

        var sha = Path.GetFileNameWithoutExtension(file);
        var directory = Path.Join(repositoryDirectory, sha);
        var repository = TryParse(metadata?.Url, sha);
        problem = metadata is null || metadata.Sha != sha ? "metadata that does not match its file name"
            : !Directory.Exists(directory) ? "metadata without its tree"
            : repository?.Hash != Path.GetFileName(repositoryDirectory) ? "metadata of another repository"
            : "";
        return problem.Length > 0 ? null : new ActionCacheEntry(repository!, sha, directory, metadata!.Size)
        {
            LastUse = metadata.LastUse,
            References = new SortedSet<string>(metadata.References, StringComparer.Ordinal),
        };
    }

    private static ActionRepository? TryParse(string? url, string sha)
    {
        try
        {
            return url is null ? null : ActionRepository.Parse(url, sha);
        }
        catch (ActionFetchException)
        {
            return null;
        }
    }

    private string MoveAside(string directory)
    {
        var aside = Path.Join(Root, EvictedPrefix + Path.GetRandomFileName());
        Directory.Move(directory, aside);
        return aside;
    }

    private void DeleteFile(string file, string reason)
    {
        ActionsLog.EntryDropped(logger, file, reason);
        try
        {
            File.Delete(file);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            ActionsLog.CleanupFailed(logger, file, e.Message);
        }
    }

    private static string MetadataPath(ActionCacheEntry entry) => entry.Directory + MetadataSuffix;

    private static void WriteMetadata(ActionCacheMetadata metadata, string path) =>
        AtomicFile.Write(path, JsonSerializer.SerializeToUtf8Bytes(metadata, ActionCacheJson.Default.ActionCacheMetadata), (UnixFileMode)0b110_100_100);
}
