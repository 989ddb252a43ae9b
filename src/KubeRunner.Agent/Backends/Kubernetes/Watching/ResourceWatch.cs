using k8s;
using k8s.Models;
using KubeRunner.Agent.Backends.Kubernetes.Api;
using Microsoft.Extensions.Logging;

namespace KubeRunner.Agent.Backends.Kubernetes.Watching;

/// <summary>
/// List, then watch from the list's resourceVersion, of one kind of object in one namespace,
/// keeping the version current through bookmarks. When the stream ends (the server's timeout) it
/// watches again from where it was; when the version is too old (410 Gone) it lists again and
/// reports what changed meanwhile, deletions included. Costs one request per list and per watch,
/// however many tasks look at the objects.
/// </summary>
internal sealed class ResourceWatch<T>(
    string what,
    Func<CancellationToken, Task<(IList<T> Items, string Version)>> list,
    Func<string, CancellationToken, IAsyncEnumerable<(WatchEventType Type, T Item)>> watch,
    Action<T, bool> changed,
    TimeProvider time,
    ILogger logger,
    ApiReachability? reachability = null)
    where T : IKubernetesObject<V1ObjectMeta>
{
    private static readonly TimeSpan MaxBackoff = TimeSpan.FromSeconds(30);

    private readonly Dictionary<string, T> _known = new(StringComparer.Ordinal);

    /// <summary>Completes once the first list has been reported, so that callers know the cache is whole.</summary>
    public TaskCompletionSource Listed { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public async Task RunAsync(CancellationToken cancellationToken)
    {
        string? version = null;
        var backoff = TimeSpan.FromMilliseconds(500);
        while (!cancellationToken.IsCancellationRequested)
        {
            try
            {
                if (version is null)
                {
                    (var items, version) = await list(cancellationToken);
                    Resync(items);
                    Listed.TrySetResult();
                }

                await foreach (var (type, item) in watch(version, cancellationToken))
                {
                    backoff = TimeSpan.FromMilliseconds(500);
                    if (type == WatchEventType.Error)
                    {
                        // The version is gone from the server's history: list again.
                        version = null;
                        break;
                    }

                    version = item.Metadata?.ResourceVersion ?? version;
                    if (type is WatchEventType.Added or WatchEventType.Modified or WatchEventType.Deleted)
                    {
                        Report(item, type == WatchEventType.Deleted);
                    }
                }
            }
            catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
            {
                return;
            }
            catch (KubernetesException e) when (e.Status?.Code == 410)
            {
                KubernetesLog.WatchExpired(logger, what);
                version = null;
            }
            catch (Exception e) when (ApiRetry.IsApiFailure(e) || e is KubernetesApiException)
            {
                KubernetesLog.WatchFailed(logger, what, ApiRetry.Describe(e));
                if (ApiReachability.IsTransportFailure(e))
                {
                    // A stream that breaks after its answer began never reaches the client's handlers.
                    reachability?.Unreachable($"the watch of {what} failed: {ApiRetry.Describe(e)}");
                }

                try
                {
                    await Task.Delay(backoff, time, cancellationToken);
                }
                catch (OperationCanceledException)
                {
                    return;
                }

                backoff = TimeSpan.FromTicks(Math.Min(backoff.Ticks * 2, MaxBackoff.Ticks));
            }
        }
    }

    private void Resync(IList<T> items)
    {
        var present = items.Select(i => i.Metadata.Name).ToHashSet(StringComparer.Ordinal);
        foreach (var gone in _known.Values.Where(k => !present.Contains(k.Metadata.Name)).ToList())
        {
            Report(gone, deleted: true);
        }

        foreach (var item in items)
        {
            Report(item, deleted: false);
        }
    }

    private void Report(T item, bool deleted)
    {
        if (deleted)
        {
            _known.Remove(item.Metadata.Name);
        }
        else
        {
            _known[item.Metadata.Name] = item;
        }

        changed(item, deleted);
    }
}
