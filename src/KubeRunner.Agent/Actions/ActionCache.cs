using KubeRunner.Agent.Configuration;
using Microsoft.Extensions.Logging;

namespace KubeRunner.Agent.Actions;

/// <summary>
/// The agent's cache of actions: each (repository, commit) is downloaded once, kept on disk under
/// <c>actions.cache_dir</c>, and lent to jobs through <see cref="ActionLease"/>s. Concurrent requests for
/// the same commit share one download; refs are remembered for <c>actions.resolve_ttl</c>; beyond
/// <c>actions.cache_max_size</c> the least recently used trees that no lease holds are removed.
/// </summary>
internal sealed partial class ActionCache : IDisposable
{
    private readonly ActionsOptions _options;
    private readonly GitRefResolver _resolver;
    private readonly ActionDownloader _downloader;
    private readonly TimeProvider _time;
    private readonly ILogger<ActionCache> _logger;
    private readonly ActionCacheStore _store;
    private readonly ResolvedRefs _resolved;
    private readonly CancellationTokenSource _disposing = new();
    private readonly CancellationToken _stopping;

    // Guards the entries, their leases and last uses, the running flights and the total size.
    private readonly Lock _lock = new();
    private readonly Dictionary<string, ActionCacheEntry> _entries = new(StringComparer.Ordinal);
    private readonly Dictionary<string, DownloadFlight> _downloads = new(StringComparer.Ordinal);
    private readonly Dictionary<(string Url, string Reference), Task<string>> _resolutions = [];
    private long _totalSize;

    public ActionCache(ActionsOptions options, GitRefResolver resolver, ActionDownloader downloader, TimeProvider time, ILogger<ActionCache> logger)
    {
        _options = options;
        _resolver = resolver;
        _downloader = downloader;
        _time = time;
        _logger = logger;
        _store = new ActionCacheStore(options.CacheDir, logger);
        _resolved = new ResolvedRefs(options.ResolveTtl, time);
        // Kept apart from the source: once cancelled it stays usable after the source is disposed.
        _stopping = _disposing.Token;
        foreach (var entry in _store.Load())
        {
            _entries[entry.Key] = entry;
            _totalSize += entry.Size;
        }

        ActionsLog.Loaded(logger, _store.Root, _entries.Count, _totalSize);
        // cache_max_size may have been lowered since the last start.
        List<string> evicted;
        lock (_lock)
        {
            evicted = EvictLocked();
        }

        evicted.ForEach(_store.Delete);
    }

    /// <summary>Bytes of all cached trees.</summary>
    public long TotalSize
    {
        get
        {
            lock (_lock)
            {
                return _totalSize;
            }
        }
    }

    /// <summary>
    /// Lends the tree of <paramref name="reference"/> (tag, branch or full commit SHA) of the repository at
    /// <paramref name="repositoryUrl"/>, downloading it first unless it is cached. Cancelling stops this
    /// caller's wait; a download others wait for (or that will serve the next job) goes on.
    /// </summary>
    /// <exception cref="ActionFetchException">The action cannot be resolved or downloaded.</exception>
    public async Task<ActionLease> AcquireAsync(string repositoryUrl, string reference, CancellationToken cancellationToken)
    {
        var repository = ActionRepository.Parse(repositoryUrl, reference);
        // A full SHA reaches the lock below without awaiting anything, so callers asking for one join
        // a running download before this method first returns.
        var sha = GitSha.IsFull(reference) ? reference.ToLowerInvariant()
            : _resolved.TryGet(repository.Url, reference, out var known) ? known
            : await ResolveAsync(repository, reference, cancellationToken);

        var key = ActionCacheEntry.KeyOf(repository, sha);
        DownloadFlight? flight = null;
        ActionCacheEntry? cached;
        ActionCacheMetadata? metadata = null;
        lock (_lock)
        {
            if (_entries.TryGetValue(key, out cached))
            {
                cached.Leases++;
                metadata = TouchLocked(cached, reference);
            }
            else
            {
                if (!_downloads.TryGetValue(key, out flight))
                {
                    flight = new DownloadFlight();
                    _downloads[key] = flight;
                    flight.Task = Task.Run(() => DownloadAsync(flight, key, repository, reference, sha), CancellationToken.None);
                }

                flight.Waiters++;
            }
        }

        return cached is not null
            ? Lend(cached, metadata!, fromCache: true)
            : await JoinAsync(flight!, reference, cancellationToken);
    }

    public void Dispose()
    {
        _disposing.Cancel();
        _disposing.Dispose();
    }

    /// <summary>How many callers wait for the download of this commit (for tests of single flight).</summary>
    internal int WaitersFor(string repositoryUrl, string sha)
    {
        var key = ActionCacheEntry.KeyOf(ActionRepository.Parse(repositoryUrl, sha), sha);
        lock (_lock)
        {
            return _downloads.TryGetValue(key, out var flight) ? flight.Waiters : 0;
        }
    }

    private async Task<ActionLease> JoinAsync(DownloadFlight flight, string reference, CancellationToken cancellationToken)
    {
        ActionCacheEntry entry;
        try
        {
            entry = await flight.Task.WaitAsync(cancellationToken);
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            // The flight counted this caller among the leases when it finished; give that lease back.
            List<string> evicted = [];
            lock (_lock)
            {
                if (flight.Entry is { } inserted)
                {
                    evicted = ReleaseLocked(inserted);
                }
                else
                {
                    flight.Waiters--;
                }
            }

            evicted.ForEach(_store.Delete);
            throw;
        }

        ActionCacheMetadata metadata;
        lock (_lock)
        {
            metadata = TouchLocked(entry, reference);
        }

        return Lend(entry, metadata, fromCache: false);
    }

    private ActionLease Lend(ActionCacheEntry entry, ActionCacheMetadata metadata, bool fromCache)
    {
        var lease = new ActionLease(entry, fromCache, Release);
        try
        {
            // The caller holds a lease, so the entry cannot be evicted while its metadata is written.
            ActionCacheStore.WriteMetadata(entry, metadata);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            // Only the last-use time and the refs are lost; the tree is fine.
            ActionsLog.CleanupFailed(_logger, entry.Directory, $"cannot update its metadata: {e.Message}");
        }

        return lease;
    }

    private void Release(ActionCacheEntry entry)
    {
        List<string> evicted;
        lock (_lock)
        {
            evicted = ReleaseLocked(entry);
        }

        evicted.ForEach(_store.Delete);
    }

    private List<string> ReleaseLocked(ActionCacheEntry entry)
    {
        entry.Leases--;
        entry.LastUse = _time.GetUtcNow();
        return EvictLocked();
    }

    private ActionCacheMetadata TouchLocked(ActionCacheEntry entry, string reference)
    {
        entry.LastUse = _time.GetUtcNow();
        entry.References.Add(reference);
        return entry.ToMetadata();
    }

    /// <summary>Removes least recently used entries without leases until the total fits; returns the directories to delete.</summary>
    private List<string> EvictLocked()
    {
        List<string> evicted = [];
        if (_totalSize <= _options.CacheMaxSize)
        {
            return evicted;
        }

        foreach (var entry in _entries.Values.Where(entry => entry.Leases == 0).OrderBy(entry => entry.LastUse).ToList())
        {
            if (_totalSize <= _options.CacheMaxSize)
            {
                break;
            }

            try
            {
                evicted.Add(_store.Evict(entry));
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                ActionsLog.CleanupFailed(_logger, entry.Directory, e.Message);
                continue;
            }

            _entries.Remove(entry.Key);
            _totalSize -= entry.Size;
            ActionsLog.Evicted(_logger, entry.Repository.Url, entry.Sha, entry.Size, entry.LastUse);
        }

        return evicted;
    }

    /// <summary>One download in progress and the callers waiting for it; guarded by the cache's lock.</summary>
    private sealed class DownloadFlight
    {
        public Task<ActionCacheEntry> Task { get; set; } = null!;

        /// <summary>Callers waiting; each gets a lease when the download is inserted.</summary>
        public int Waiters { get; set; }

        /// <summary>The inserted entry, set under the lock at the moment the waiters' leases were taken.</summary>
        public ActionCacheEntry? Entry { get; set; }
    }
}
