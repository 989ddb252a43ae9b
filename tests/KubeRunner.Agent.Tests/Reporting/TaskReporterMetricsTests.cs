using System.Diagnostics.Metrics;
using KubeRunner.Agent.Diagnostics;
using KubeRunner.Agent.Diagnostics.Prometheus;
using KubeRunner.Agent.Forge;
using KubeRunner.Agent.Forge.Connect;
using KubeRunner.Agent.Reporting;
using KubeRunner.Agent.Tests.TestSupport;
using KubeRunner.Protocol.Runner.V1;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;

namespace KubeRunner.Agent.Tests.Reporting;

/// <summary>What the reporter tells the metrics: rows waiting for the forge, and rows and bytes it confirmed.</summary>
public sealed class TaskReporterMetricsTests : IDisposable
{
    private readonly ServiceProvider _services = new ServiceCollection().AddMetrics().BuildServiceProvider();

    [Fact]
    public async Task Backlog_ForgeDownThenBack_RowsWaitInTheBacklogThenCountAsSent()
    {
        var factory = _services.GetRequiredService<IMeterFactory>();
        using var exporter = new PrometheusExporter(factory);
        var forge = new SwitchableForge { Down = true };
        var reporter = new TaskReporter(1, 0, [], false, forge, Reporters.Fast, TimeProvider.System, NullLogger.Instance, new AgentMetrics(factory));
        reporter.Start();

        reporter.Log("one");
        reporter.Log("two\nthree");
        var waiting = exporter.Scrape();
        forge.Down = false;
        var delivered = await reporter.CompleteAsync(Result.Success, null, CancellationToken.None);
        var sent = exporter.Scrape();
        await reporter.DisposeAsync();

        Assert.True(delivered);
        Assert.Equal(3, StatusClient.Sample(waiting, "kube_runner_reporter_backlog_rows"));
        Assert.Equal(0, StatusClient.Sample(waiting, "kube_runner_log_rows_sent_total"));
        // The three rows and the closing one.
        Assert.Equal(4, StatusClient.Sample(sent, "kube_runner_log_rows_sent_total"));
        Assert.Equal(forge.Bytes, StatusClient.Sample(sent, "kube_runner_log_bytes_sent_total"));
        Assert.Equal(0, StatusClient.Sample(sent, "kube_runner_reporter_backlog_rows"));
        Assert.Equal(1, StatusClient.Sample(sent, "kube_runner_tasks_finished_total{result=\"success\"}"));
    }

    [Fact]
    public async Task Backlog_TaskEndsWithRowsTheForgeNeverTook_LeavesTheBacklogWithTheTask()
    {
        var factory = _services.GetRequiredService<IMeterFactory>();
        using var exporter = new PrometheusExporter(factory);
        var forge = new SwitchableForge { Down = true };
        var reporter = new TaskReporter(1, 0, [], false, forge, Reporters.Fast with { MaxRetries = 2 }, TimeProvider.System, NullLogger.Instance,
            new AgentMetrics(factory));
        reporter.Start();

        reporter.Log("lost");
        var delivered = await reporter.CompleteAsync(Result.Failure, null, CancellationToken.None);
        var before = exporter.Scrape();
        await reporter.DisposeAsync();
        var after = exporter.Scrape();

        Assert.False(delivered);
        Assert.Equal(2, StatusClient.Sample(before, "kube_runner_reporter_backlog_rows"));
        Assert.Equal(0, StatusClient.Sample(after, "kube_runner_reporter_backlog_rows"));
    }

    public void Dispose() => _services.Dispose();

    private sealed class SwitchableForge : IRunnerService
    {
        private readonly Lock _lock = new();
        private long _stored;
        private volatile bool _down;

        public bool Down
        {
            get => _down;
            set => _down = value;
        }

        /// <summary>Bytes of the rows stored, as the reporter counts them (their protobuf size).</summary>
        public long Bytes { get; private set; }

        public Task<DeclareResponse> DeclareAsync(DeclareRequest request, CancellationToken cancellationToken) => throw new NotSupportedException();

        public Task<FetchTaskResponse> FetchTaskAsync(FetchTaskRequest request, string requestKey, TimeSpan deadline, CancellationToken cancellationToken) =>
            throw new NotSupportedException();

        public Task<UpdateLogResponse> UpdateLogAsync(UpdateLogRequest request, CancellationToken cancellationToken)
        {
            ThrowIfDown("UpdateLog");
            lock (_lock)
            {
                foreach (var row in request.Rows.Skip((int)(_stored - request.Index)))
                {
                    Bytes += row.CalculateSize();
                    _stored++;
                }

                return Task.FromResult(new UpdateLogResponse { AckIndex = _stored });
            }
        }

        public Task<UpdateTaskResponse> UpdateTaskAsync(UpdateTaskRequest request, CancellationToken cancellationToken)
        {
            ThrowIfDown("UpdateTask");
            return Task.FromResult(new UpdateTaskResponse { State = new TaskState { Id = request.State.Id } });
        }

        private void ThrowIfDown(string method)
        {
            if (Down)
            {
                throw new ConnectException($"runner.v1.RunnerService/{method}", ConnectCode.Unavailable, "down for the test", 503);
            }
        }
    }
}
