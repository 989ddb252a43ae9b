using KubeRunner.Agent.Scheduling;
using KubeRunner.Testing;
using Microsoft.Extensions.Logging.Abstractions;

namespace KubeRunner.Agent.Tests.Scheduling;

/// <summary>A primary's gate: open unless the agent drains.</summary>
public sealed class DrainGateTests
{
    private readonly DrainSwitch _drain = new(NullLogger<DrainSwitch>.Instance);

    [Fact]
    public async Task SetAsync_AFetchOnItsWay_CompletesWhenItEnds_AndNoFetchBeginsMeanwhile()
    {
        Assert.True(_drain.TryBeginFetch());

        var drained = _drain.SetAsync(true);

        Assert.False(drained.IsCompleted);
        Assert.False(_drain.TryBeginFetch());
        _drain.EndFetch();
        await drained.WaitAsync(TestTimeouts.Default);
        Assert.True(_drain.SetAsync(true).IsCompleted);
        Assert.True(_drain.SetAsync(false).IsCompleted);
        Assert.True(_drain.TryBeginFetch());
    }

    [Fact]
    public async Task WaitAsync_NotDraining_OrdinaryAtOnce()
    {
        var gate = new DrainGate(_drain);

        var waiting = gate.WaitAsync(CancellationToken.None);

        Assert.True(waiting.IsCompleted);
        Assert.Same(FetchPermit.Ordinary, await waiting);
    }

    [Fact]
    public async Task WaitAsync_Draining_WaitsUntilResumed()
    {
        var gate = new DrainGate(_drain);
        _drain.Set(true);

        var waiting = gate.WaitAsync(CancellationToken.None).AsTask();
        Assert.False(waiting.IsCompleted);
        _drain.Set(false);

        Assert.Same(FetchPermit.Ordinary, await waiting.WaitAsync(TestTimeouts.Default));
    }

    [Fact]
    public async Task WaitAsync_DrainingAndStopped_Cancelled()
    {
        var gate = new DrainGate(_drain);
        _drain.Set(true);
        using var stop = new CancellationTokenSource();

        var waiting = gate.WaitAsync(stop.Token).AsTask();
        await stop.CancelAsync();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => waiting.WaitAsync(TestTimeouts.Default));
    }

    [Fact]
    public void Set_SameValueTwice_OneChange()
    {
        var changed = _drain.Changed;
        _drain.Set(false);
        Assert.False(changed.IsCompleted);

        _drain.Set(true);
        var again = _drain.Changed;
        _drain.Set(true);

        Assert.True(changed.IsCompleted);
        Assert.False(again.IsCompleted);
        Assert.True(_drain.Draining);
    }
}
