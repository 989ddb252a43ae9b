namespace KubeRunner.Testing.Git;

/// <summary>
/// Holds the responses to some requests until the test releases them, so that a test can make
/// other callers queue up behind a download in progress. Once released it lets everything through.
/// </summary>
public sealed class RequestGate
{
    private readonly TaskCompletionSource _arrived = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly TaskCompletionSource _released = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private int _held;

    /// <summary>Completes when the first request reaches the gate.</summary>
    public Task FirstArrived => _arrived.Task;

    /// <summary>How many requests have reached the gate so far (released or not).</summary>
    public int Arrivals => Volatile.Read(ref _held);

    public void Release() => _released.TrySetResult();

    internal async Task PassAsync(CancellationToken cancellationToken)
    {
        Interlocked.Increment(ref _held);
        _arrived.TrySetResult();
        await _released.Task.WaitAsync(cancellationToken);
    }
}
