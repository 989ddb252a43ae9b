using KubeRunner.Agent.Backends;
using KubeRunner.Agent.Labels;
using KubeRunner.Protocol.Runner.V1;

namespace KubeRunner.Agent.Tests.TestSupport;

/// <summary>A backend whose behaviour each test writes: the task runner and poller are tested without a real executor.</summary>
internal sealed class ScriptedBackend(Func<TaskRun, CancellationToken, Task<JobOutcome>> run, string scheme = Label.Host) : IJobBackend
{
    private int _started;

    public string Name => "scripted";

    public int Started => Volatile.Read(ref _started);

    public bool CanRun(Label label) => label.Scheme == scheme;

    public Task<JobOutcome> RunAsync(TaskRun run1, CancellationToken cancellationToken)
    {
        Interlocked.Increment(ref _started);
        return run(run1, cancellationToken);
    }

    /// <summary>Runs every step with one row and succeeds.</summary>
    public static ScriptedBackend Succeeding() => new((task, _) =>
    {
        for (var i = 0; i < task.Reporter.StepCount; i++)
        {
            var now = DateTimeOffset.UtcNow;
            task.Reporter.StepStarted(i, now);
            task.Reporter.StepLog(i, $"step {i} ran", now);
            task.Reporter.StepFinished(i, Result.Success, now);
        }

        return Task.FromResult(new JobOutcome(Result.Success));
    });

    /// <summary>Runs until cancelled, then reports what a cancelled executor reports.</summary>
    public static ScriptedBackend UntilCancelled(TaskCompletionSource? started = null) => new(async (_, cancellationToken) =>
    {
        started?.TrySetResult();
        await Task.Delay(Timeout.Infinite, cancellationToken);
        return new JobOutcome(Result.Success);
    });
}
