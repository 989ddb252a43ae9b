namespace KubeRunner.Agent.Configuration;

/// <summary>
/// <c>runner.report_retry</c>: retries of the final log and state upload at the end of a job.
/// The delay doubles after each attempt, up to <see cref="MaxDelay"/>.
/// </summary>
internal sealed class RetryOptions
{
    public const int DefaultMaxRetries = 10;

    public static readonly TimeSpan DefaultInitialDelay = TimeSpan.FromMilliseconds(100);

    public int MaxRetries { get; init; } = DefaultMaxRetries;

    public TimeSpan InitialDelay { get; init; } = DefaultInitialDelay;

    /// <summary>Upper bound of the delay; zero means no bound.</summary>
    public TimeSpan MaxDelay { get; init; } = TimeSpan.Zero;
}
