using KubeRunner.Agent.Backends;
using KubeRunner.Agent.Forge;
using KubeRunner.Agent.Labels;
using KubeRunner.Agent.Tasks;
using Microsoft.Extensions.Logging.Abstractions;

namespace KubeRunner.Agent.Tests.TestSupport;

internal static class Runners
{
    public static TaskRunner Create(IRunnerService forge, IJobBackend? backend, string[] labels, TimeSpan? jobTimeout = null)
    {
        var selector = new BackendSelector(backend is null ? [] : [backend], new LabelSet(labels));
        var reporters = new TaskReporterFactory(forge, Reporters.Fast, TimeProvider.System, NullLoggerFactory.Instance);
        var options = new TaskRunnerOptions { JobTimeout = jobTimeout ?? TimeSpan.FromHours(3) };
        return new TaskRunner(selector, reporters, options, TimeProvider.System, NullLogger<TaskRunner>.Instance);
    }
}
