namespace KubeRunner.Agent.Reporting;

/// <summary>How a task reporter talks to the forge (config: <c>runner.report_interval</c>, <c>runner.report_retry</c>).</summary>
internal sealed record ReporterOptions
{
    /// <summary>Pause between two report cycles (UpdateLog, then UpdateTask).</summary>
    public TimeSpan ReportInterval { get; init; } = TimeSpan.FromSeconds(1);

    /// <summary>Consecutive failed attempts of the closing reports before giving up.</summary>
    public int MaxRetries { get; init; } = 10;

    public TimeSpan InitialRetryDelay { get; init; } = TimeSpan.FromMilliseconds(100);

    /// <summary>Cap of the doubling retry delay; zero means no cap (forgejo-runner's default).</summary>
    public TimeSpan MaxRetryDelay { get; init; } = TimeSpan.Zero;

    /// <summary>
    /// Rows and bytes per UpdateLog. forgejo-runner sends its whole backlog in one request; after an
    /// outage that can be larger than a reverse proxy accepts (nginx refuses bodies over 1 MiB by
    /// default), and the upload would then never get through.
    /// </summary>
    public int MaxRowsPerRequest { get; init; } = 5_000;

    public int MaxBytesPerRequest { get; init; } = 512 * 1024;

    /// <summary>Characters kept of a single row; the rest is cut with a note.</summary>
    public int MaxRowLength { get; init; } = 64 * 1024;
}
