using System.Diagnostics;
using System.Globalization;
using KubeRunner.Benchmarks.Executor;
using KubeRunner.Testing.Docker;
using KubeRunner.Testing.FakeForge;
using Result = KubeRunner.Protocol.Runner.V1.Result;

namespace KubeRunner.Benchmarks.Docker;

/// <summary>
/// What the Docker backend costs before a job's first step: from the forge handing out the task to
/// the first step running (network, container, executor copy, start, executor attach, job fetch),
/// against a plain <c>docker run --rm</c> of the same image with the same command, start to exit.
/// Medians of several runs, measured one after the other in this run.
/// </summary>
internal static class DockerStartup
{
    private const int Runs = 7;
    private const string Command = "true";

    public static async Task<string> RunAsync(string executorPath)
    {
        var image = await TestImages.EnsureAsync(TestImage.Busybox);
        var bundle = await ExecutorBundle.EnsureAsync();
        await using var daemon = await HostDaemon.StartAsync(executorPath, label: $"linux:docker://{image}",
            extraConfig: $"docker:\n  executor_bundle: {bundle.Directory}\n");
        var workflow = $"on: push\njobs:\n  start:\n    runs-on: linux\n    steps:\n      - run: {Command}\n";
        await daemon.RunAsync(workflow); // warm-up: the agent's JIT, Docker's caches
        var toFirstStep = new List<TimeSpan>();
        for (var i = 0; i < Runs; i++)
        {
            var task = await daemon.RunAsync(workflow);
            if (task.Result != Result.Success || task.Steps[0].StartedAt is not { } started)
            {
                throw new InvalidOperationException($"the Docker job ended {task.Result}: {string.Join(" | ", task.LogRows.Select(r => r.Content))}");
            }

            var assigned = task.Journal.First(e => e.Kind == FakeTaskEventKind.Assigned).Time;
            toFirstStep.Add(started - assigned);
        }

        await DockerRunAsync(image); // warm-up
        var plain = new List<TimeSpan>();
        for (var i = 0; i < Runs; i++)
        {
            plain.Add(await DockerRunAsync(image));
        }

        var figure = Median(toFirstStep);
        var baseline = Median(plain);
        return $"| Docker backend: task received → first step running (busybox image, median of {Runs}) | {Ms(figure)} ms | "
            + $"`docker run --rm` of the same image with `sh -c {Command}`, start to exit: {Ms(baseline)} ms | {figure / baseline:0.00} |";
    }

    private static async Task<TimeSpan> DockerRunAsync(string image)
    {
        var stopwatch = Stopwatch.StartNew();
        await DockerCli.RunCheckedAsync("run", "--rm", "--label", DockerCli.TestLabel, image, "sh", "-c", Command);
        return stopwatch.Elapsed;
    }

    private static TimeSpan Median(List<TimeSpan> values) => values.Order().ElementAt(values.Count / 2);

    private static string Ms(TimeSpan value) => value.TotalMilliseconds.ToString("0", CultureInfo.InvariantCulture);
}
