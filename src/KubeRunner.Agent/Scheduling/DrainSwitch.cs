using Microsoft.Extensions.Logging;

namespace KubeRunner.Agent.Scheduling;

/// <summary>
/// <c>kube-runner drain</c>: the agent stops taking jobs and says so in its heartbeat, so that its standby
/// takes the next job at once. Running jobs go on; <c>--undo</c> resumes. Not kept across restarts:
/// a restarted agent takes jobs.
/// </summary>
internal sealed partial class DrainSwitch(ILogger<DrainSwitch> logger)
{
    private readonly Lock _gate = new();
    private TaskCompletionSource _changed = NewSignal();

    public bool Draining { get; private set; }

    /// <summary>Completes at the next change.</summary>
    public Task Changed
    {
        get
        {
            lock (_gate)
            {
                return _changed.Task;
            }
        }
    }

    public void Set(bool draining)
    {
        TaskCompletionSource previous;
        lock (_gate)
        {
            if (Draining == draining)
            {
                return;
            }

            Draining = draining;
            previous = _changed;
            _changed = NewSignal();
        }

        if (draining)
        {
            Log.Draining(logger);
        }
        else
        {
            Log.Resumed(logger);
        }

        previous.TrySetResult();
    }

    private static TaskCompletionSource NewSignal() => new(TaskCreationOptions.RunContinuationsAsynchronously);

    private static partial class Log
    {
        [LoggerMessage(Diagnostics.EventIds.Draining, LogLevel.Warning, "Draining: taking no new job; running jobs go on (kube-runner drain --undo resumes)")]
        public static partial void Draining(ILogger logger);

        [LoggerMessage(Diagnostics.EventIds.DrainResumed, LogLevel.Information, "No longer draining: taking jobs again")]
        public static partial void Resumed(ILogger logger);
    }
}

/// <summary>A primary's gate: open unless the agent drains.</summary>
internal sealed class DrainGate(DrainSwitch drain) : IFetchGate
{
    public async ValueTask<FetchPermit> WaitAsync(CancellationToken cancellationToken)
    {
        while (true)
        {
            var changed = drain.Changed;
            if (!drain.Draining)
            {
                return FetchPermit.Ordinary;
            }

            await changed.WaitAsync(cancellationToken);
        }
    }

    public void Completed(FetchPermit permit, FetchOutcome outcome)
    {
    }
}
