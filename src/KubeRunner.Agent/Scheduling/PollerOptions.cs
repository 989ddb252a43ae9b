namespace KubeRunner.Agent.Scheduling;

/// <summary>How the runner asks the forge for tasks (config: <c>runner.capacity</c>, <c>fetch_*</c>, <c>shutdown_timeout</c>).</summary>
internal sealed record PollerOptions
{
    /// <summary>Tasks that may run at once.</summary>
    public int Capacity { get; init; } = 1;

    /// <summary>Pause between two fetches that brought no task.</summary>
    public TimeSpan FetchInterval { get; init; } = TimeSpan.FromSeconds(2);

    /// <summary>Deadline of one FetchTask call; hitting it is normal and silent.</summary>
    public TimeSpan FetchTimeout { get; init; } = TimeSpan.FromSeconds(5);

    /// <summary>On shutdown, how long running tasks may go on before they are cancelled.</summary>
    public TimeSpan ShutdownTimeout { get; init; } = TimeSpan.Zero;
}
