using Google.Protobuf.WellKnownTypes;
using KubeRunner.Agent.Configuration;
using KubeRunner.Agent.Executors;
using KubeRunner.Agent.Hosting;
using KubeRunner.Protocol.Executor.V1;
using Microsoft.Extensions.Logging;

namespace KubeRunner.Agent.Backends;

/// <summary>
/// What every backend does around its executor: mint the task's token, open the session the executor
/// attaches to, wait for the job's result (or the executor's end, or a cancel), and close the session.
/// </summary>
internal sealed class ExecutorLaunch : IDisposable
{
    private readonly ExecutorRegistry _registry;

    public ExecutorLaunch(TaskRun run, JobSettings settings, ExecutorRegistry registry, ILogger logger)
    {
        _registry = registry;
        Token = ExecutorToken.Mint();
        var relay = new TaskRelay(run.Reporter, logger);
        Session = new ExecutorSession(run.Task, settings, ExecutorToken.Hash(Token), relay);
        relay.Finished = Session.Finish;
        registry.Add(Session);
    }

    /// <summary>The task's token, to hand to the executor (never logged, never in a spec).</summary>
    public string Token { get; }

    public ExecutorSession Session { get; }

    /// <summary>The runner-wide parts of the job settings; the backend sets the paths.</summary>
    public static JobSettings Settings(RunnerConfig config, Uri instance, string label) => new()
    {
        RunnerEnv = { config.Runner.Envs.ToDictionary(e => e.Key, e => e.Value, StringComparer.Ordinal) },
        KillGrace = Duration.FromTimeSpan(config.Executor.KillGrace),
        JobTimeout = Duration.FromTimeSpan(config.Runner.Timeout),
        InstanceUrl = instance.ToString().TrimEnd('/'),
        RunnerVersion = AgentVersion.Value,
        Label = label,
    };

    /// <summary>
    /// Waits for the job's result. On <paramref name="cancellationToken"/> the executor is asked to
    /// cancel and gets <paramref name="cancelTimeout"/> to run its post-cancel steps and report.
    /// </summary>
    /// <param name="executorExited">Completes with the exit code when the executor process ends.</param>
    /// <returns>The result, or null when the executor ended (or overran the cancel) without one.</returns>
    public async Task<JobFinished?> WaitAsync(Task<int> executorExited, TimeSpan cancelTimeout, CancellationToken cancellationToken)
    {
        var cancelled = Task.Delay(Timeout.Infinite, cancellationToken);
        var first = await Task.WhenAny(Session.Finished, executorExited, cancelled);
        if (first == cancelled)
        {
            Session.RequestCancel("cancelled");
            using var overrun = new CancellationTokenSource(cancelTimeout);
            var grace = Task.Delay(Timeout.Infinite, overrun.Token);
            first = await Task.WhenAny(Session.Finished, executorExited, grace);
        }

        if (first == executorExited && !Session.Finished.IsCompleted)
        {
            // Events may still be on their way through the socket; give them a moment.
            await Task.WhenAny(Session.Finished, Task.Delay(TimeSpan.FromSeconds(2), CancellationToken.None));
        }

        return Session.Finished.IsCompleted ? await Session.Finished : null;
    }

    public void Dispose()
    {
        _registry.Remove(Session);
        Session.Dispose();
    }
}
