using System.Diagnostics;
using System.Text;

namespace KubeRunner.Benchmarks.Executor;

/// <summary>
/// What the executor adds per step: 100 <c>run: true</c> steps in one job on the host backend, from
/// the first step's start to the last step's end as the executor reports them, against spawning the
/// same 100 script files with the same bash command line directly, one after the other.
/// </summary>
internal static class StepOverhead
{
    private const int Steps = 100;

    // The command line the executor uses for `run:` without `shell:` where bash exists (§6.6).
    private static readonly string[] BashArguments = ["--noprofile", "--norc", "-e", "-o", "pipefail"];

    public static async Task<(string Row, long PeakBytes)> RunAsync(HostDaemon daemon)
    {
        await daemon.RunAsync(Workflow(10)); // warm-up: the agent's JIT, the forge's connections
        var job = daemon.Enqueue(Workflow(Steps));
        var done = daemon.WaitDoneAsync(job);
        var peak = await PeakMemory.OfNextExecutorAsync(daemon.TaskRecords, done);
        var task = await done;
        if (task.Result != Protocol.Runner.V1.Result.Success || task.Steps.Count != Steps)
        {
            throw new InvalidOperationException($"the {Steps}-step job ended {task.Result} with {task.Steps.Count} steps");
        }

        var executor = (task.Steps[^1].StoppedAt!.Value - task.Steps[0].StartedAt!.Value) / Steps;
        var direct = await SpawnDirectlyAsync(daemon.Directory);
        var row = $"| {Steps} `run: true` steps in one job, host backend (first start to last end) | {Ms(executor)} ms per step | "
            + $"the same {Steps} scripts spawned directly with the same bash command line: {Ms(direct)} ms per script | {executor / direct:0.00} |";
        return (row, peak);
    }

    private static string Workflow(int steps)
    {
        var yaml = new StringBuilder("on: push\njobs:\n  steps:\n    runs-on: linux\n    steps:\n");
        for (var i = 0; i < steps; i++)
        {
            yaml.Append("      - run: true\n");
        }

        return yaml.ToString();
    }

    private static async Task<TimeSpan> SpawnDirectlyAsync(string directory)
    {
        var scripts = Enumerable.Range(0, Steps).Select(i => Path.Combine(directory, $"direct-{i}.sh")).ToList();
        foreach (var script in scripts)
        {
            await File.WriteAllTextAsync(script, "true\n");
        }

        await SpawnAsync(scripts[0]); // warm-up
        var stopwatch = Stopwatch.StartNew();
        foreach (var script in scripts)
        {
            await SpawnAsync(script);
        }

        return stopwatch.Elapsed / Steps;
    }

    private static async Task SpawnAsync(string script)
    {
        var start = new ProcessStartInfo("bash") { UseShellExecute = false };
        foreach (var argument in BashArguments)
        {
            start.ArgumentList.Add(argument);
        }

        start.ArgumentList.Add(script);
        using var process = Process.Start(start)!;
        await process.WaitForExitAsync();
        if (process.ExitCode != 0)
        {
            throw new InvalidOperationException($"bash {script} exited with {process.ExitCode}");
        }
    }

    private static string Ms(TimeSpan value) => value.TotalMilliseconds.ToString("0.00", System.Globalization.CultureInfo.InvariantCulture);
}
