namespace KubeRunner.Testing.FakeForge;

/// <summary>
/// Holds the calls of one method at their processing point until released, so a test can act while a call
/// is known to be in progress (for example, to hit the request-key lock of §3.4 deterministically).
/// </summary>
public sealed class ForgeCallGate : IDisposable
{
    private readonly TaskCompletionSource _released = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly TaskCompletionSource _entered = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly Action<ForgeCallGate> _detach;
    private int _held;

    internal ForgeCallGate(Action<ForgeCallGate> detach) => _detach = detach;

    /// <summary>Calls that have reached the gate so far (including released ones).</summary>
    public int HeldCalls => Volatile.Read(ref _held);

    /// <summary>Completes when the first call reaches the gate.</summary>
    public Task WaitForCallAsync(TimeSpan timeout) => _entered.Task.WaitAsync(timeout);

    /// <summary>Lets held calls go on and stops holding new ones.</summary>
    public void Release()
    {
        _detach(this);
        _released.TrySetResult();
    }

    public void Dispose() => Release();

    internal async Task EnterAsync(CancellationToken cancellationToken)
    {
        Interlocked.Increment(ref _held);
        _entered.TrySetResult();
        await _released.Task.WaitAsync(cancellationToken);
    }
}
