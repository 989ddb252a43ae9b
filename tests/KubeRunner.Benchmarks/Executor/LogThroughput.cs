using System.Globalization;
using KubeRunner.Protocol.Runner.V1;
using KubeRunner.Testing.FakeForge;

namespace KubeRunner.Benchmarks.Executor;

/// <summary>
/// One step prints 1,000,000 lines (<c>seq</c>); the figure is rows per second from the step's start
/// until the forge has every row and the result, after checking that all rows arrived once and in
/// order. Baseline: the same rows sent as ready-made UpdateLog batches straight through the client,
/// i.e. what the forge transport alone takes.
/// </summary>
internal static class LogThroughput
{
    private const int Lines = 1_000_000;

    private const string Workflow = """
        on: push
        jobs:
          lines:
            runs-on: linux
            steps:
              - run: seq 1 1000000
        """;

    public static async Task<(string Row, long PeakBytes)> RunAsync(HostDaemon daemon, BenchForge raw)
    {
        var job = daemon.Enqueue(Workflow);
        var done = daemon.WaitDoneAsync(job);
        var peak = await PeakMemory.OfNextExecutorAsync(daemon.TaskRecords, done);
        var task = await done;
        var end = task.Journal.Last(e => e.Kind == FakeTaskEventKind.FinalState).Time;
        CheckComplete(task);
        var seconds = (end - task.Steps[0].StartedAt!.Value).TotalSeconds;

        var baseline = await ReporterThroughput.MeasureRawAsync(raw, Lines, i => (i + 1).ToString(CultureInfo.InvariantCulture));
        var row = $"| One step printing {Lines:N0} lines (`seq`), host backend, until the forge has every row | {Format(Lines / seconds)} rows/s | "
            + $"the same rows as raw UpdateLog batches of {ReporterThroughput.Batch:N0}: {Format(Lines / baseline.TotalSeconds)} rows/s | {baseline.TotalSeconds / seconds:0.00} |";
        return (row, peak);
    }

    private static void CheckComplete(FakeTask task)
    {
        var step = task.Steps.Count == 1 ? task.Steps[0] : throw new InvalidOperationException($"expected one step, the forge has {task.Steps.Count}");
        if (task.Result != Result.Success || step.Result != Result.Success)
        {
            throw new InvalidOperationException($"the job ended {task.Result}");
        }

        var first = (int)step.LogIndex;
        var rows = task.LogRows;
        var start = Enumerable.Range(first, (int)step.LogLength).First(i => rows[i].Content == "1");
        for (var i = 0; i < Lines; i++)
        {
            var expected = (i + 1).ToString(CultureInfo.InvariantCulture);
            if (start + i >= rows.Count || rows[start + i].Content != expected)
            {
                throw new InvalidOperationException($"row {start + i} is not '{expected}': the log is incomplete or out of order");
            }
        }

        if (rows.Count(r => r.Content == "1000000") != 1)
        {
            throw new InvalidOperationException("the last line arrived more than once");
        }
    }

    private static string Format(double value) => value.ToString("N0", CultureInfo.InvariantCulture);
}
