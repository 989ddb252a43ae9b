using KubeRunner.Agent.Forge;
using KubeRunner.Agent.Reporting;
using KubeRunner.Agent.Tasks;
using Microsoft.Extensions.Logging.Abstractions;

namespace KubeRunner.Agent.Tests.TestSupport;

internal static class Reporters
{
    /// <summary>Fast cycles and patient retries: tests wait for outcomes, not for intervals.</summary>
    public static readonly ReporterOptions Fast = new()
    {
        ReportInterval = TimeSpan.FromMilliseconds(20),
        InitialRetryDelay = TimeSpan.FromMilliseconds(5),
        MaxRetryDelay = TimeSpan.FromMilliseconds(50),
        MaxRetries = 50,
    };

    public static TaskReporter For(ForgeTask task, IRunnerService forge, int steps, ReporterOptions? options = null) =>
        new TaskReporterFactory(forge, options ?? Fast, TimeProvider.System, NullLoggerFactory.Instance).Create(task, steps);
}
