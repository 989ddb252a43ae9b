namespace KubeRunner.Agent.Actions;

/// <summary>
/// A cached action tree in use: while the lease is not disposed the tree stays where it is (eviction
/// skips it). Dispose it when the job no longer needs the files; disposing twice is harmless.
/// </summary>
internal sealed class ActionLease : IDisposable
{
    private readonly Action<ActionCacheEntry> _release;
    private readonly ActionCacheEntry _entry;
    private int _disposed;

    internal ActionLease(ActionCacheEntry entry, bool fromCache, Action<ActionCacheEntry> release)
    {
        _entry = entry;
        _release = release;
        FromCache = fromCache;
    }

    /// <summary>The repository URL, normalised (no <c>.git</c>, no trailing slash).</summary>
    public string RepositoryUrl => _entry.Repository.Url;

    /// <summary>The full commit SHA the ref resolved to.</summary>
    public string Sha => _entry.Sha;

    /// <summary>Root of the repository's tree at <see cref="Sha"/> (an action in a sub-path lives below it). Read only.</summary>
    public string Directory => _entry.Directory;

    /// <summary>True when the tree was already cached: nothing was downloaded for this lease.</summary>
    public bool FromCache { get; }

    public void Dispose()
    {
        if (Interlocked.Exchange(ref _disposed, 1) == 0)
        {
            _release(_entry);
        }
    }
}
