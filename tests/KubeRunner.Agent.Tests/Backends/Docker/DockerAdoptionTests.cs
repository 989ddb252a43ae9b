using KubeRunner.Agent.Backends.Docker;
using KubeRunner.Agent.Configuration;
using KubeRunner.Agent.Labels;
using KubeRunner.Agent.Tests.TestSupport;
using Microsoft.Extensions.Logging;

namespace KubeRunner.Agent.Tests.Backends.Docker;

public sealed class DockerAdoptionTests
{
    private const string Unreachable = "unix:///nonexistent/kube-runner-test/docker.sock";

    [Fact]
    public async Task PrepareAsync_NoDockerLabelAndNoDockerTask_NeverAsksDocker()
    {
        var log = new CapturingLogger();
        using var adoption = Create(log, "linux:host");

        await adoption.PrepareAsync([], CancellationToken.None);

        Assert.Empty(log.Entries);
    }

    [Fact]
    public async Task PrepareAsync_DockerLabelAndDaemonUnreachable_LogsOneWarningAndGoesOn()
    {
        var log = new CapturingLogger();
        using var adoption = Create(log, "linux:docker://busybox");

        await adoption.PrepareAsync([], CancellationToken.None);

        var (level, message) = Assert.Single(log.Entries);
        Assert.Equal(LogLevel.Warning, level);
        Assert.StartsWith($"Could not look for what earlier tasks of this runner left in Docker at {Unreachable}: ", message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(137, "exit code 137: killed by SIGKILL")]
    [InlineData(143, "exit code 143: ended by signal 15 (SIGTERM)")]
    [InlineData(135, "exit code 135: ended by signal 7")]
    [InlineData(1, "exit code 1")]
    [InlineData(255, "exit code 255")]
    public void Describe_ExitCode_NamesTheSignalAbove128(int code, string expected) =>
        Assert.Equal(expected, ExecutorExit.Describe(code));

    private static DockerAdoption Create(CapturingLogger log, string label)
    {
        var config = new RunnerConfig { Docker = new DockerOptions { Host = Unreachable } };
        return new DockerAdoption(config, new LabelSet([label]), "0b8c5a0e-0000-4000-8000-000000000000", new Typed<DockerAdoption>(log));
    }

    private sealed class Typed<T>(ILogger inner) : ILogger<T>
    {
        public IDisposable? BeginScope<TState>(TState state)
            where TState : notnull => inner.BeginScope(state);

        public bool IsEnabled(LogLevel logLevel) => inner.IsEnabled(logLevel);

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter) =>
            inner.Log(logLevel, eventId, state, exception, formatter);
    }
}
