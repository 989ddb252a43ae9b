using KubeRunner.Agent.Configuration;

namespace KubeRunner.Agent.Actions;

/// <summary>
/// The time one shared resolution or download may take (<c>actions.download_timeout</c>, counted
/// with the agent's <see cref="TimeProvider"/>), ended early when the cache is disposed, and how its
/// failures read.
/// </summary>
internal sealed class FetchLimit : IDisposable
{
    private readonly TimeSpan _timeout;
    private readonly CancellationTokenSource _timer;
    private readonly CancellationTokenSource _linked;

    public FetchLimit(TimeSpan timeout, TimeProvider time, CancellationToken stopping)
    {
        _timeout = timeout;
        _timer = new CancellationTokenSource(timeout, time);
        _linked = CancellationTokenSource.CreateLinkedTokenSource(_timer.Token, stopping);
    }

    public CancellationToken Token => _linked.Token;

    /// <summary>
    /// The failure as an <see cref="ActionFetchException"/>, or null for one to pass on unchanged
    /// (the cache being disposed, or a bug).
    /// </summary>
    /// <param name="doing">What was under way, e.g. <c>downloading</c>.</param>
    public ActionFetchException? Explain(Exception exception, ActionRepository repository, string reference, string doing, string cacheRoot) => exception switch
    {
        ActionFetchException fetch => fetch,
        OperationCanceledException when _timer.IsCancellationRequested => new ActionFetchException(repository.Url, reference,
            $"gave up {doing} action {repository.Url}@{reference} after {GoDuration.Format(_timeout)} (actions.download_timeout)", exception),
        IOException or UnauthorizedAccessException => new ActionFetchException(repository.Url, reference,
            $"cannot store action {repository.Url}@{reference} in {cacheRoot}: {exception.Message}", exception),
        _ => null,
    };

    public void Dispose()
    {
        _linked.Dispose();
        _timer.Dispose();
    }
}
