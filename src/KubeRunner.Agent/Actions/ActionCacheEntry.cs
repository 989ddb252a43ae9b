using System.Text.Json.Serialization;

namespace KubeRunner.Agent.Actions;

/// <summary>One cached tree: a commit of an action repository. Mutable parts are guarded by the cache's lock.</summary>
internal sealed class ActionCacheEntry(ActionRepository repository, string sha, string directory, long size)
{
    public ActionRepository Repository { get; } = repository;

    public string Sha { get; } = sha;

    /// <summary>The tree's root, <c>{cache_dir}/{hash of url}/{sha}</c>.</summary>
    public string Directory { get; } = directory;

    public long Size { get; } = size;

    public string Key => KeyOf(Repository, Sha);

    /// <summary>Refs that were resolved to this commit (tags, branches, the SHA itself), for operators reading the metadata.</summary>
    public SortedSet<string> References { get; init; } = new(StringComparer.Ordinal);

    public DateTimeOffset LastUse { get; set; }

    /// <summary>Leases not yet disposed; an entry with leases is never evicted.</summary>
    public int Leases { get; set; }

    public static string KeyOf(ActionRepository repository, string sha) => $"{repository.Hash}/{sha}";

    public ActionCacheMetadata ToMetadata() => new(Repository.Url, Sha, [.. References], Size, LastUse);
}

/// <summary>What <c>{cache_dir}/{hash of url}/{sha}.json</c> holds next to each tree.</summary>
internal sealed record ActionCacheMetadata(string Url, string Sha, IReadOnlyList<string> References, long Size, DateTimeOffset LastUse);

[JsonSerializable(typeof(ActionCacheMetadata))]
[JsonSourceGenerationOptions(WriteIndented = true, PropertyNamingPolicy = JsonKnownNamingPolicy.SnakeCaseLower)]
internal sealed partial class ActionCacheJson : JsonSerializerContext;
