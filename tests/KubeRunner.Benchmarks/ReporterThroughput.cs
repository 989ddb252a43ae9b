using System.Diagnostics;
using System.Globalization;
using KubeRunner.Agent.Reporting;
using KubeRunner.Agent.Tasks;
using KubeRunner.Protocol.Runner.V1;
using Microsoft.Extensions.Logging.Abstractions;

namespace KubeRunner.Benchmarks;

/// <summary>
/// Rows per second from <c>TaskReporter.StepLog</c> to rows stored by the forge, with masking of
/// five secrets on. Baseline: the same rows sent as ready-made UpdateLog batches of the same size
/// straight through the client, i.e. what the transport and the forge alone cost.
/// </summary>
internal static class ReporterThroughput
{
    private const int Rows = 200_000;
    public const int Batch = 5_000;

    public static async Task<IEnumerable<string>> RunAsync()
    {
        await using var bench = await BenchForge.StartAsync();
        await MeasureReporterAsync(bench, 20_000); // warm-up: JIT, connections
        var reporter = await MeasureReporterAsync(bench, Rows);
        var baseline = await MeasureRawAsync(bench, Rows, Line);
        return
        [
            $"| Reporter throughput ({Rows:N0} rows of 60 characters, 5 secrets masked, loopback fake forge) | {Format(Rows / reporter.TotalSeconds)} rows/s | raw UpdateLog batches of {Batch:N0}: {Format(Rows / baseline.TotalSeconds)} rows/s | {baseline.TotalSeconds / reporter.TotalSeconds:0.00} |",
        ];
    }

    private static async Task<TimeSpan> MeasureReporterAsync(BenchForge bench, int rows)
    {
        var task = await bench.ClaimAsync();
        task.Secrets.Add(new Dictionary<string, string> { ["A"] = "s3cr3t-a", ["B"] = "s3cr3t-b", ["C"] = "s3cr3t-c", ["D"] = "s3cr3t-d", ["E"] = "s3cr3t-e" });
        var options = new ReporterOptions { ReportInterval = TimeSpan.FromMilliseconds(100) };
        await using var reporter = new TaskReporterFactory(bench.Client, options, TimeProvider.System, NullLoggerFactory.Instance).Create(task, 1);
        var stopwatch = Stopwatch.StartNew();
        reporter.Start();
        var now = DateTimeOffset.UtcNow;
        reporter.StepStarted(0, now);
        for (var i = 0; i < rows; i++)
        {
            reporter.StepLog(0, Line(i), now);
        }

        reporter.StepFinished(0, Result.Success, now);
        if (!await reporter.CompleteAsync(Result.Success, null, CancellationToken.None))
        {
            throw new InvalidOperationException("the reporter did not deliver everything");
        }

        return stopwatch.Elapsed;
    }

    /// <summary>Sends <paramref name="rows"/> rows as UpdateLog batches of <see cref="Batch"/> through the client alone.</summary>
    public static async Task<TimeSpan> MeasureRawAsync(BenchForge bench, int rows, Func<int, string> line)
    {
        var task = await bench.ClaimAsync();
        var now = Google.Protobuf.WellKnownTypes.Timestamp.FromDateTimeOffset(DateTimeOffset.UtcNow);
        var stopwatch = Stopwatch.StartNew();
        for (var index = 0; index < rows; index += Batch)
        {
            var request = new UpdateLogRequest { TaskId = task.Id, Index = index, NoMore = index + Batch >= rows };
            for (var i = index; i < index + Batch; i++)
            {
                request.Rows.Add(new LogRow { Time = now, Content = line(i) });
            }

            await bench.Client.UpdateLogAsync(request, CancellationToken.None);
        }

        return stopwatch.Elapsed;
    }

    private static string Line(int i) => $"{i:D8} compiling src/module/file_{i % 97:D2}.c with -O2 -Wall";

    private static string Format(double value) => value.ToString("N0", CultureInfo.InvariantCulture);
}
