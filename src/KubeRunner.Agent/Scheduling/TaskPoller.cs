using System.Collections.Concurrent;
using KubeRunner.Agent.Diagnostics;
using KubeRunner.Agent.Forge;
using KubeRunner.Agent.Forge.Connect;
using KubeRunner.Agent.Tasks;
using KubeRunner.Protocol.Runner.V1;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace KubeRunner.Agent.Scheduling;

/// <summary>
/// Asks the forge for tasks while there is capacity, and runs each one it gets. One loop, one fetch
/// at a time, one fetch per <c>fetch_interval</c> when idle; after a fetch that brought a task the next
/// one follows at once, so queued jobs fill free capacity without waiting an interval each.
/// On shutdown it stops fetching, lets running tasks finish within <c>shutdown_timeout</c>, then
/// cancels them; every task still sends its final report. Each fetch first passes the
/// <see cref="IFetchGate"/>: closed while the agent drains, and for a standby while its peers take the jobs.
/// </summary>
internal sealed partial class TaskPoller(
    IRunnerService forge,
    ITaskRunner runner,
    PollerOptions options,
    TimeProvider time,
    ILogger<TaskPoller> logger,
    AgentMetrics? metrics = null,
    IFetchGate? gate = null,
    DrainSwitch? drain = null) : BackgroundService
{
    private readonly AgentMetrics _metrics = metrics ?? AgentMetrics.Unobserved;
    private readonly IFetchGate _gate = gate ?? OpenGate.Instance;
    private readonly ConcurrentDictionary<long, Task> _running = new();
    private readonly SemaphoreSlim _slots = new(options.Capacity, options.Capacity);
    private readonly CancellationTokenSource _cancelTasks = new();
    private long _tasksVersion;
    private string _requestKey = NewRequestKey();
    private int _fetchFailures;
    private long _lastFetchAnswered;

    /// <summary>Tasks running now.</summary>
    public int RunningCount => _running.Count;

    /// <summary>The monotonic timestamp (TimeProvider.GetTimestamp) of the last FetchTask that got an answer; null before the first.</summary>
    public long? LastFetchAnswered => Interlocked.Read(ref _lastFetchAnswered) is var answered and > 0 ? answered : null;

    /// <summary>Whether the poller has stopped taking new tasks (the agent is stopping).</summary>
    public bool Stopping { get; private set; }

    public override void Dispose()
    {
        _slots.Dispose();
        _cancelTasks.Dispose();
        base.Dispose();
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        try
        {
            // The first fetch goes out at once, and so does the one after a fetch that brought a task.
            var fetchNow = true;
            while (!stoppingToken.IsCancellationRequested)
            {
                if (!fetchNow)
                {
                    await Task.Delay(options.FetchInterval, time, stoppingToken);
                }

                await _slots.WaitAsync(stoppingToken);
                FetchPermit permit;
                try
                {
                    permit = await _gate.WaitAsync(stoppingToken);
                }
                catch (OperationCanceledException)
                {
                    _slots.Release();
                    throw;
                }

                // A drain that came while the gate let this fetch through wins; one that comes once the
                // fetch is on its way waits for it (kube-runner drain returns when no fetch can bring a job).
                if (drain is not null && !drain.TryBeginFetch())
                {
                    _slots.Release();
                    fetchNow = true;
                    continue;
                }

                // The fetch itself is not cancelled by shutdown: Forgejo may already have assigned a
                // task whose answer is on its way, and dropping it would leave that job running on the
                // forge with nobody running it. It is bounded by fetch_timeout.
                try
                {
                    fetchNow = await FetchOnceAsync(permit);
                }
                finally
                {
                    drain?.EndFetch();
                }
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }

        Stopping = true;
        Log.PollingStopped(logger, _running.Count);
        await DrainAsync();
    }

    /// <summary>One FetchTask, holding a free slot; a task received keeps the slot until it ends.</summary>
    /// <returns>True when a task arrived.</returns>
    private async Task<bool> FetchOnceAsync(FetchPermit permit)
    {
        var sent = permit.ForceQueueLook ? 0 : _tasksVersion;
        FetchTaskResponse response;
        var started = time.GetTimestamp();
        try
        {
            response = await forge.FetchTaskAsync(new FetchTaskRequest { TasksVersion = sent }, _requestKey, options.FetchTimeout, CancellationToken.None);
            _metrics.FetchCompleted(time.GetElapsedTime(started));
            Interlocked.Exchange(ref _lastFetchAnswered, time.GetTimestamp());
        }
        catch (Exception e) when (e is ConnectException or HttpRequestException or IOException)
        {
            _metrics.FetchCompleted(time.GetElapsedTime(started));
            _metrics.FetchFailed(e);
            _gate.Completed(permit, FetchOutcome.Failed);
            _slots.Release();
            // The request key stays: if the forge assigned a task to the lost answer, it hands it back.
            if (!ForgeErrors.Is(e, ConnectCode.DeadlineExceeded))
            {
                NoteFetchFailure(e);
            }

            return false;
        }

        _requestKey = NewRequestKey();
        if (_fetchFailures > 0)
        {
            Log.FetchRecovered(logger, _fetchFailures);
            _fetchFailures = 0;
        }

        // §5.4: remember a newer version; after a task, 0 makes the forge look at its queue again.
        if (response.TasksVersion > sent)
        {
            _tasksVersion = response.TasksVersion;
        }

        _gate.Completed(permit, response.Task is null ? FetchOutcome.NoTask : FetchOutcome.Task);
        if (response.Task is not { } task)
        {
            _slots.Release();
            return false;
        }

        _tasksVersion = 0;
        Start(task);
        return true;
    }

    private void Start(ForgeTask task)
    {
        Log.TaskReceived(logger, task.Id);
        _metrics.TaskReceived();
        var gate = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var run = RunAndReleaseAsync(task, gate.Task);
        if (!_running.TryAdd(task.Id, run))
        {
            // The same task id twice (a recovered answer of a fetch whose task already runs): run it once.
            Log.DuplicateTask(logger, task.Id);
            gate.SetCanceled();
            return;
        }

        gate.SetResult();
    }

    private async Task RunAndReleaseAsync(ForgeTask task, Task gate)
    {
        try
        {
            await gate;
        }
        catch (OperationCanceledException)
        {
            _slots.Release();
            return;
        }

        _metrics.TaskStarted();
        try
        {
            await runner.RunAsync(task, _cancelTasks.Token);
        }
        finally
        {
            _running.TryRemove(task.Id, out _);
            _metrics.TaskEnded();
            _slots.Release();
        }
    }

    /// <summary>
    /// Runs a task taken over from an earlier agent process. It counts against the capacity like a
    /// fetched one (taking a slot if one is free; it cannot be refused, it is running already).
    /// </summary>
    public void Adopt(long taskId, Func<CancellationToken, Task> run)
    {
        var slot = _slots.Wait(0);
        _metrics.TaskStarted();
        _running[taskId] = Task.Run(async () =>
        {
            try
            {
                await run(_cancelTasks.Token);
            }
            finally
            {
                _running.TryRemove(taskId, out _);
                _metrics.TaskEnded();
                if (slot)
                {
                    _slots.Release();
                }
            }
        });
    }

    private async Task DrainAsync()
    {
        var running = _running.Values.ToArray();
        if (running.Length == 0)
        {
            return;
        }

        var all = Task.WhenAll(running);
        if (options.ShutdownTimeout > TimeSpan.Zero)
        {
            Log.ShutdownWaiting(logger, running.Length, options.ShutdownTimeout);
            await Task.WhenAny(all, Task.Delay(options.ShutdownTimeout, time, CancellationToken.None));
        }

        if (!all.IsCompleted)
        {
            Log.ShutdownCancelling(logger, _running.Count);
            await _cancelTasks.CancelAsync();
        }

        await all;
        Log.ShutdownComplete(logger, running.Length);
    }

    private void NoteFetchFailure(Exception e)
    {
        if (_fetchFailures++ == 0)
        {
            var hint = ForgeErrors.Is(e, ConnectCode.Unauthenticated)
                ? " The forge does not know this runner: it was deleted there, or .runner belongs to another instance; register it again."
                : string.Empty;
            Log.FetchFailed(logger, e.Message + hint);
        }
    }

    private static string NewRequestKey() => Guid.NewGuid().ToString();

    private static partial class Log
    {
        [LoggerMessage(Diagnostics.EventIds.TaskReceived, LogLevel.Information, "Received task {TaskId}")]
        public static partial void TaskReceived(ILogger logger, long taskId);

        [LoggerMessage(Diagnostics.EventIds.FetchFailed, LogLevel.Error, "Fetching tasks failed; retrying every fetch_interval: {Reason}")]
        public static partial void FetchFailed(ILogger logger, string reason);

        [LoggerMessage(Diagnostics.EventIds.FetchRecovered, LogLevel.Information, "Fetching tasks works again after {Failures} failures")]
        public static partial void FetchRecovered(ILogger logger, int failures);

        [LoggerMessage(Diagnostics.EventIds.DuplicateTask, LogLevel.Warning, "Task {TaskId} is already running here; ignoring the second copy")]
        public static partial void DuplicateTask(ILogger logger, long taskId);

        [LoggerMessage(Diagnostics.EventIds.PollingStopped, LogLevel.Information, "Stopped fetching tasks; {Running} task(s) running")]
        public static partial void PollingStopped(ILogger logger, int running);

        [LoggerMessage(Diagnostics.EventIds.ShutdownWaiting, LogLevel.Information, "Waiting up to {Timeout} (shutdown_timeout) for {Running} running task(s)")]
        public static partial void ShutdownWaiting(ILogger logger, int running, TimeSpan timeout);

        [LoggerMessage(Diagnostics.EventIds.ShutdownCancelling, LogLevel.Warning, "Cancelling {Running} running task(s) for shutdown; each still sends its final report")]
        public static partial void ShutdownCancelling(ILogger logger, int running);

        [LoggerMessage(Diagnostics.EventIds.ShutdownComplete, LogLevel.Information, "All {Count} task(s) ended and reported")]
        public static partial void ShutdownComplete(ILogger logger, int count);
    }
}

/// <summary>The gate of a poller made without one (tests, one-shot runs): always open.</summary>
internal sealed class OpenGate : IFetchGate
{
    public static readonly OpenGate Instance = new();

    public ValueTask<FetchPermit> WaitAsync(CancellationToken cancellationToken) => ValueTask.FromResult(FetchPermit.Ordinary);

    public void Completed(FetchPermit permit, FetchOutcome outcome)
    {
    }
}
