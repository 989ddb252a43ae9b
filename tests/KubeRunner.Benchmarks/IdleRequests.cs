using KubeRunner.Agent.Backends;
using KubeRunner.Agent.Labels;
using KubeRunner.Agent.Reporting;
using KubeRunner.Agent.Scheduling;
using KubeRunner.Agent.Tasks;
using KubeRunner.Testing.FakeForge;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;

namespace KubeRunner.Benchmarks;

/// <summary>
/// Requests per minute an idle daemon sends with the default fetch_interval (2 s), over a simulated
/// ten minutes: the poller's clock is a fake one advanced interval by interval, so the figure is
/// exact and the run takes seconds. Baseline: one request per fetch_interval, forgejo-runner's
/// rate for any capacity (its pollers share one limiter).
/// </summary>
internal static class IdleRequests
{
    private static readonly TimeSpan Interval = TimeSpan.FromSeconds(2);
    private static readonly TimeSpan Simulated = TimeSpan.FromMinutes(10);

    public static async Task<IEnumerable<string>> RunAsync()
    {
        var lines = new List<string>();
        foreach (var capacity in new[] { 1, 4 })
        {
            var perMinute = await MeasureAsync(capacity);
            var baseline = TimeSpan.FromMinutes(1) / Interval;
            lines.Add($"| Idle daemon, capacity {capacity}, fetch_interval 2s (simulated {Simulated.TotalMinutes:0} min) | {perMinute:0.0} requests/min | one fetch per interval: {baseline:0.0} requests/min | {perMinute / baseline:0.00} |");
        }

        return lines;
    }

    private static async Task<double> MeasureAsync(int capacity)
    {
        var time = new FakeTimeProvider(DateTimeOffset.UtcNow);
        await using var bench = await BenchForge.StartAsync(time);
        var runner = new TaskRunner(new BackendSelector([], new LabelSet(["linux:host"])),
            new TaskReporterFactory(bench.Client, new ReporterOptions(), time, NullLoggerFactory.Instance),
            new TaskRunnerOptions(), time, NullLogger<TaskRunner>.Instance);
        using var poller = new TaskPoller(bench.Client, runner, new PollerOptions { Capacity = capacity, FetchInterval = Interval }, time, NullLogger<TaskPoller>.Instance);
        await poller.StartAsync(CancellationToken.None);
        // The first fetch goes out at once; count from the one after it.
        await bench.Forge.Journal.WaitForAsync(r => r.Method == ForgeMethod.FetchTask, TimeSpan.FromSeconds(30));
        var simulatedStart = time.GetUtcNow();
        var start = bench.Forge.Journal.Requests.Count;
        for (var elapsed = TimeSpan.Zero; elapsed < Simulated; elapsed += Interval)
        {
            var before = bench.Forge.Journal.Requests.Count;
            // Give the poller a moment of real time to go back to waiting on its (fake) clock.
            await Task.Delay(20);
            time.Advance(Interval);
            await WaitForCountAsync(bench.Forge.Journal, before + 1);
        }

        var requests = bench.Forge.Journal.Requests.Count - start;
        var simulated = time.GetUtcNow() - simulatedStart;
        await poller.StopAsync(CancellationToken.None);
        return requests / simulated.TotalMinutes;
    }

    private static async Task WaitForCountAsync(RequestJournal journal, int count)
    {
        var deadline = DateTime.UtcNow.AddSeconds(30);
        while (journal.Requests.Count < count)
        {
            if (DateTime.UtcNow > deadline)
            {
                throw new TimeoutException($"expected {count} requests, saw {journal.Requests.Count}");
            }

            await Task.Delay(1);
        }
    }
}
