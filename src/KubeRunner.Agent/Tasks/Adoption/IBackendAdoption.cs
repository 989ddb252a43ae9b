namespace KubeRunner.Agent.Tasks.Adoption;

/// <summary>
/// What one backend does when a new agent process takes over the tasks of the previous one: clear
/// what no task owns any more, and watch the executor of each task it takes over.
/// </summary>
internal interface IBackendAdoption
{
    /// <summary>The backend's name as task records carry it, e.g. <c>docker</c>.</summary>
    string Backend { get; }

    /// <summary>
    /// Running tasks the backend itself keeps records of, for a takeover by an agent process that has
    /// no local record of them (a rescheduled agent pod). Records on disk win for the same task.
    /// </summary>
    Task<IReadOnlyList<TaskRecord>> DiscoverAsync(CancellationToken cancellationToken) => Task.FromResult<IReadOnlyList<TaskRecord>>([]);

    /// <summary>
    /// Called once at start, before the executor socket opens and before any task is fetched, with the
    /// records of this backend's tasks that are taken over; removes what belongs to no such task.
    /// </summary>
    Task PrepareAsync(IReadOnlyCollection<TaskRecord> adopted, CancellationToken cancellationToken);

    /// <summary>
    /// Tasks whose objects <see cref="PrepareAsync"/> stopped although the forge may still show them
    /// running (their executor never got as far as a takeover needs): the agent fails them on the forge.
    /// </summary>
    IReadOnlyCollection<long> Abandoned => [];

    /// <summary>Starts watching the executor of a taken-over task.</summary>
    IAdoptedExecutor Open(TaskRecord record);
}

/// <summary>The executor of a taken-over task, as far as the backend can see it; disposing it removes what the task left.</summary>
internal interface IAdoptedExecutor : IAsyncDisposable
{
    /// <summary>For the log, e.g. <c>process 1234</c> or <c>container 0123456789ab</c>.</summary>
    string Description { get; }

    /// <summary>Whether the executor has ended (or was gone already).</summary>
    bool HasEnded { get; }

    /// <summary>Gives the executor <paramref name="grace"/> to end by itself, then stops it.</summary>
    Task StopAsync(TimeSpan grace);

    /// <summary>The task's closing message when the executor ended without reporting the job's result.</summary>
    Task<string> EndedWithoutResultAsync();

    /// <summary>
    /// What ended the task, as the short word of <c>kube_runner_backend_failures_total</c> (a pod failure's
    /// name, e.g. <c>OOMKilled</c>), when the backend knows it; null counts as the executor being lost.
    /// </summary>
    string? FailureReason => null;

    /// <summary>Gives the new session what the backend serves executors besides events (the Docker job container, for Docker actions).</summary>
    void Prepare(Executors.ExecutorSession session)
    {
    }
}
