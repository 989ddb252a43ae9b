using Microsoft.Extensions.Logging;

namespace KubeRunner.Agent.Actions;

/// <summary>The agent's log messages about actions (event ids 6xx).</summary>
internal static partial class ActionsLog
{
    [LoggerMessage(Diagnostics.EventIds.ActionResolved, LogLevel.Debug, "Resolved action {Url}@{Reference} to {Sha}")]
    public static partial void Resolved(ILogger logger, string url, string reference, string sha);

    [LoggerMessage(Diagnostics.EventIds.ActionDownloading, LogLevel.Information, "Downloading action {Url}@{Reference} ({Sha})")]
    public static partial void Downloading(ILogger logger, string url, string reference, string sha);

    [LoggerMessage(Diagnostics.EventIds.ActionCached, LogLevel.Information, "Cached action {Url}@{Reference} ({Sha}): {Bytes} bytes in {Elapsed}")]
    public static partial void Cached(ILogger logger, string url, string reference, string sha, long bytes, TimeSpan elapsed);

    [LoggerMessage(Diagnostics.EventIds.ActionGitFallback, LogLevel.Information, "{Answer}; fetching {Sha} with git instead")]
    public static partial void GitFallback(ILogger logger, string answer, string sha);

    [LoggerMessage(Diagnostics.EventIds.ActionFetchFailed, LogLevel.Warning, "{Reason}")]
    public static partial void FetchFailed(ILogger logger, string reason);

    [LoggerMessage(Diagnostics.EventIds.ActionEvicted, LogLevel.Information, "Removed cached action {Url} ({Sha}, {Bytes} bytes, last used {LastUse:u}) to stay within actions.cache_max_size")]
    public static partial void Evicted(ILogger logger, string url, string sha, long bytes, DateTimeOffset lastUse);

    [LoggerMessage(Diagnostics.EventIds.ActionCacheLoaded, LogLevel.Information, "Action cache {Directory}: {Count} action(s), {Bytes} bytes")]
    public static partial void Loaded(ILogger logger, string directory, int count, long bytes);

    [LoggerMessage(Diagnostics.EventIds.ActionCacheEntryDropped, LogLevel.Warning, "Removing {Path} from the action cache: {Reason}")]
    public static partial void EntryDropped(ILogger logger, string path, string reason);

    [LoggerMessage(Diagnostics.EventIds.ActionCacheCleanupFailed, LogLevel.Warning, "Could not remove {Path} from the action cache: {Reason}")]
    public static partial void CleanupFailed(ILogger logger, string path, string reason);
}
