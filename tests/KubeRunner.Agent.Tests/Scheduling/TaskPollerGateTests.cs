using System.Threading.Channels;
using KubeRunner.Agent.Forge;
using KubeRunner.Agent.Forge.Connect;
using KubeRunner.Agent.Scheduling;
using KubeRunner.Agent.Standby;
using KubeRunner.Agent.Standby.Claims;
using KubeRunner.Agent.Tasks;
using KubeRunner.Agent.Tests.Standby;
using KubeRunner.Protocol.Runner.V1;
using KubeRunner.Testing;
using Microsoft.Extensions.Logging.Abstractions;

namespace KubeRunner.Agent.Tests.Scheduling;

/// <summary>The poller asks its <see cref="IFetchGate"/> before each FetchTask and tells it what the fetch brought.</summary>
public sealed class TaskPollerGateTests
{
    private static readonly PollerOptions Options = new()
    {
        Capacity = 1,
        FetchInterval = TimeSpan.FromMilliseconds(1),
        FetchTimeout = TimeSpan.FromSeconds(5),
    };

    private static readonly FetchPermit Claim = new(ClaimReasons.Saturated, new ClaimTarget(StandbyBed.Job(1), TimeSpan.FromSeconds(20)), TimeSpan.FromSeconds(20));

    private readonly ScriptedForge _forge = new();
    private readonly ScriptedGate _gate = new();
    private readonly HeldRunner _runner = new();

    [Fact]
    public async Task Poll_ClaimPermit_SendsTasksVersionZero()
    {
        _forge.Answer = _ => new FetchTaskResponse { TasksVersion = 7 };
        using var poller = await StartAsync();

        var completed = new List<(FetchPermit Permit, FetchOutcome Outcome)>();
        foreach (var permit in (FetchPermit[])[FetchPermit.Ordinary, FetchPermit.Ordinary, Claim, FetchPermit.Ordinary])
        {
            _gate.Open(permit);
            completed.Add(await _gate.NextCompletedAsync());
        }

        await poller.StopAsync(CancellationToken.None);

        // 0 first, then the version the forge gave; a claim makes the forge look at its queue whatever it said.
        Assert.Equal([0L, 7, 0, 7], _forge.Fetches.Select(f => f.TasksVersion));
        Assert.Equal([(FetchPermit.Ordinary, FetchOutcome.NoTask), (FetchPermit.Ordinary, FetchOutcome.NoTask), (Claim, FetchOutcome.NoTask), (FetchPermit.Ordinary, FetchOutcome.NoTask)], completed);
    }

    [Fact]
    public async Task Poll_ClaimBringsATask_CompletedWithTaskAndTheTaskRuns()
    {
        _forge.Answer = _ => new FetchTaskResponse { TasksVersion = 3, Task = new ForgeTask { Id = 42 } };
        using var poller = await StartAsync();

        _gate.Open(Claim);

        Assert.Equal((Claim, FetchOutcome.Task), await _gate.NextCompletedAsync());
        Assert.Equal(42, await _runner.Started.Reader.ReadAsync().AsTask().WaitAsync(TestTimeouts.Default));
        _runner.Release();
        await poller.StopAsync(CancellationToken.None);
    }

    [Fact]
    public async Task Poll_FetchFails_CompletedAsFailedAndTheKeyKeptForTheNext()
    {
        _forge.Answer = call => call == 1
            ? throw new ConnectException("runner.v1.RunnerService/FetchTask", ConnectCode.Unavailable, "forge down")
            : new FetchTaskResponse { TasksVersion = 3, Task = new ForgeTask { Id = 42 } };
        using var poller = await StartAsync();
        var second = Claim with { Waited = TimeSpan.FromSeconds(25) };

        _gate.Open(Claim);
        var first = await _gate.NextCompletedAsync();
        _gate.Open(second);
        var then = await _gate.NextCompletedAsync();
        _runner.Release();
        await poller.StopAsync(CancellationToken.None);

        Assert.Equal((Claim, FetchOutcome.Failed), first);
        Assert.Equal((second, FetchOutcome.Task), then);
        // The forge may have assigned a task to the lost answer: the same key asks for it again.
        Assert.Equal(_forge.Fetches[0].RequestKey, _forge.Fetches[1].RequestKey);
    }

    [Fact]
    public async Task Poll_GateClosed_NoFetchTask()
    {
        using var poller = await StartAsync();

        await StandbyBed.UntilAsync(() => _gate.Waits == 1, "the poller asks the gate");
        Assert.Empty(_forge.Fetches);

        _gate.Open(FetchPermit.Ordinary);
        await _gate.NextCompletedAsync();
        await StandbyBed.UntilAsync(() => _gate.Waits == 2, "the poller asks the gate again");
        await poller.StopAsync(CancellationToken.None);

        Assert.Single(_forge.Fetches);
    }

    [Fact]
    public async Task Poll_EverySlotBusy_GateNotAskedUntilATaskEnds()
    {
        _forge.Answer = call => new FetchTaskResponse { Task = new ForgeTask { Id = call } };
        using var poller = await StartAsync();
        _gate.Open(Claim);
        await _gate.NextCompletedAsync();
        await _runner.Started.Reader.ReadAsync().AsTask().WaitAsync(TestTimeouts.Default);

        // Holding the only slot: the poller waits for it before it asks the gate, so a permit is never held without room for its task.
        Assert.Equal(1, _gate.Waits);
        _runner.Release();
        await StandbyBed.UntilAsync(() => _gate.Waits == 2, "the poller asks the gate once the slot is free");
        await poller.StopAsync(CancellationToken.None);
    }

    private async Task<TaskPoller> StartAsync()
    {
        var poller = new TaskPoller(_forge, _runner, Options, TimeProvider.System, NullLogger<TaskPoller>.Instance, gate: _gate);
        await poller.StartAsync(CancellationToken.None);
        return poller;
    }

    /// <summary>A gate that lets one fetch through per <see cref="Open"/>, and reports each <see cref="Completed"/> call.</summary>
    private sealed class ScriptedGate : IFetchGate
    {
        private readonly Channel<FetchPermit> _permits = Channel.CreateUnbounded<FetchPermit>();
        private readonly Channel<(FetchPermit, FetchOutcome)> _completed = Channel.CreateUnbounded<(FetchPermit, FetchOutcome)>();
        private int _waits;

        public int Waits => Volatile.Read(ref _waits);

        public void Open(FetchPermit permit) => _permits.Writer.TryWrite(permit);

        public async Task<(FetchPermit Permit, FetchOutcome Outcome)> NextCompletedAsync() =>
            await _completed.Reader.ReadAsync().AsTask().WaitAsync(TestTimeouts.Default);

        public ValueTask<FetchPermit> WaitAsync(CancellationToken cancellationToken)
        {
            Interlocked.Increment(ref _waits);
            return _permits.Reader.ReadAsync(cancellationToken);
        }

        public void Completed(FetchPermit permit, FetchOutcome outcome) => _completed.Writer.TryWrite((permit, outcome));
    }

    /// <summary>FetchTask answered by the test, by call number (from 1); nothing else is called.</summary>
    private sealed class ScriptedForge : IRunnerService
    {
        private readonly List<(long TasksVersion, string RequestKey)> _fetches = [];

        public Func<int, FetchTaskResponse> Answer { get; set; } = _ => new FetchTaskResponse();

        public IReadOnlyList<(long TasksVersion, string RequestKey)> Fetches
        {
            get
            {
                lock (_fetches)
                {
                    return [.. _fetches];
                }
            }
        }

        public Task<FetchTaskResponse> FetchTaskAsync(FetchTaskRequest request, string requestKey, TimeSpan deadline, CancellationToken cancellationToken)
        {
            int call;
            lock (_fetches)
            {
                _fetches.Add((request.TasksVersion, requestKey));
                call = _fetches.Count;
            }

            try
            {
                return Task.FromResult(Answer(call));
            }
            catch (Exception e)
            {
                return Task.FromException<FetchTaskResponse>(e);
            }
        }

        public Task<DeclareResponse> DeclareAsync(DeclareRequest request, CancellationToken cancellationToken) => throw new NotSupportedException();

        public Task<UpdateTaskResponse> UpdateTaskAsync(UpdateTaskRequest request, CancellationToken cancellationToken) => throw new NotSupportedException();

        public Task<UpdateLogResponse> UpdateLogAsync(UpdateLogRequest request, CancellationToken cancellationToken) => throw new NotSupportedException();
    }

    /// <summary>Runs each task until released (or until the poller cancels it on stop).</summary>
    private sealed class HeldRunner : ITaskRunner
    {
        private readonly TaskCompletionSource _release = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public Channel<long> Started { get; } = Channel.CreateUnbounded<long>();

        public void Release() => _release.TrySetResult();

        public async Task RunAsync(ForgeTask task, CancellationToken shutdown)
        {
            Started.Writer.TryWrite(task.Id);
            await _release.Task.WaitAsync(shutdown).ContinueWith(_ => { }, TaskScheduler.Default);
        }
    }
}
