namespace KubeRunner.Agent.Tasks;

/// <summary>Limits of one task (config: <c>runner.timeout</c>).</summary>
internal sealed record TaskRunnerOptions
{
    /// <summary>Hard cap of a job's run time; the job is cancelled when it is reached.</summary>
    public TimeSpan JobTimeout { get; init; } = TimeSpan.FromHours(3);
}
