namespace KubeRunner.Agent.Actions;

/// <summary>The shared work behind <see cref="AcquireAsync"/>: one resolution per (repository, ref), one download per commit.</summary>
internal sealed partial class ActionCache
{
    private async Task<string> ResolveAsync(ActionRepository repository, string reference, CancellationToken cancellationToken)
    {
        Task<string>? resolution;
        lock (_lock)
        {
            if (!_resolutions.TryGetValue((repository.Url, reference), out resolution))
            {
                resolution = Task.Run(() => ResolveSharedAsync(repository, reference), CancellationToken.None);
                _resolutions[(repository.Url, reference)] = resolution;
            }
        }

        return await resolution.WaitAsync(cancellationToken);
    }

    private async Task<string> ResolveSharedAsync(ActionRepository repository, string reference)
    {
        using var limit = new FetchLimit(_options.DownloadTimeout, _time, _stopping);
        try
        {
            var sha = await _resolver.ResolveAsync(repository, reference, limit.Token);
            _resolved.Remember(repository.Url, reference, sha);
            return sha;
        }
        catch (Exception e) when (limit.Explain(e, repository, reference, "looking up", _store.Root) is { } failure)
        {
            ActionsLog.FetchFailed(_logger, failure.Message);
            throw failure;
        }
        finally
        {
            lock (_lock)
            {
                _resolutions.Remove((repository.Url, reference));
            }
        }
    }

    private async Task<ActionCacheEntry> DownloadAsync(DownloadFlight flight, string key, ActionRepository repository, string reference, string sha)
    {
        using var limit = new FetchLimit(_options.DownloadTimeout, _time, _stopping);
        string? staging = null;
        try
        {
            var started = _time.GetTimestamp();
            ActionsLog.Downloading(_logger, repository.Url, reference, sha);
            staging = _store.CreateStaging();
            await _downloader.DownloadAsync(repository, reference, sha, staging, limit.Token);
            var size = TreeSize(staging);
            var entry = _store.Commit(staging, repository, sha, reference, size, _time.GetUtcNow());
            staging = null;
            List<string> evicted;
            lock (_lock)
            {
                // The waiters' leases are taken here, with the insert, so eviction cannot come in between.
                entry.Leases = flight.Waiters;
                flight.Entry = entry;
                _downloads.Remove(key);
                _entries[key] = entry;
                _totalSize += size;
                evicted = EvictLocked();
            }

            evicted.ForEach(_store.Delete);
            ActionsLog.Cached(_logger, repository.Url, reference, sha, size, _time.GetElapsedTime(started));
            return entry;
        }
        catch (Exception e)
        {
            lock (_lock)
            {
                _downloads.Remove(key);
            }

            if (staging is not null)
            {
                _store.Delete(staging);
            }

            if (limit.Explain(e, repository, reference, "downloading", _store.Root) is not { } failure)
            {
                throw;
            }

            ActionsLog.FetchFailed(_logger, failure.Message);
            throw failure;
        }
    }

    // Symbolic links count as nothing: their targets are counted where they are.
    private static long TreeSize(string directory) =>
        new DirectoryInfo(directory)
            .EnumerateFiles("*", new EnumerationOptions { RecurseSubdirectories = true, AttributesToSkip = FileAttributes.ReparsePoint })
            .Sum(file => file.Length);
}
