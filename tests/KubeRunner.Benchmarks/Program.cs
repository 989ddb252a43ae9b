using System.Globalization;
using KubeRunner.Benchmarks;
using KubeRunner.Benchmarks.Docker;
using KubeRunner.Benchmarks.Executor;
using KubeRunner.Benchmarks.Kubernetes;
using KubeRunner.Testing.Docker;

// Prints the figures of the README's performance table. Each figure is measured in this run next
// to its baseline, so the ratio holds whatever the machine. Arguments pick groups (reporter, idle,
// executor, docker, kubernetes); none runs them all.
var all = args.Length == 0;
Console.WriteLine("| Benchmark | Figure | Baseline in the same run | Ratio |");
Console.WriteLine("|---|---|---|---|");
if (all || args.Contains("reporter"))
{
    foreach (var line in await ReporterThroughput.RunAsync())
    {
        Console.WriteLine(line);
    }
}

if (all || args.Contains("idle"))
{
    foreach (var line in await IdleRequests.RunAsync())
    {
        Console.WriteLine(line);
    }
}

if (all || args.Contains("docker"))
{
    Console.WriteLine(await DockerStartup.RunAsync(ExecutorFootprint.HostBinary));
}

if (all || args.Contains("kubernetes"))
{
    foreach (var line in await KubernetesStartup.RunAsync())
    {
        Console.WriteLine(line);
    }
}

if (!all && !args.Contains("executor"))
{
    return;
}

// The executor as operators run it: the Native AOT build, on the host backend, behind a daemon.
var bundle = await ExecutorBundle.EnsureAsync();
await using (var daemon = await HostDaemon.StartAsync(ExecutorFootprint.HostBinary))
await using (var raw = await BenchForge.StartAsync())
{
    var (steps, stepsPeak) = await StepOverhead.RunAsync(daemon);
    Console.WriteLine(steps);
    var (lines, linesPeak) = await LogThroughput.RunAsync(daemon, raw);
    Console.WriteLine(lines);
    Console.WriteLine($"| Executor peak memory (VmHWM) in the 1,000,000-line job | {Mib(linesPeak)} MiB | the same executor in the 100-step job: {Mib(stepsPeak)} MiB | {(double)linesPeak / stepsPeak:0.00} |");
}

foreach (var line in await ExecutorFootprint.RunAsync(bundle))
{
    Console.WriteLine(line);
}

Console.WriteLine(await ActionCacheBenefit.RunAsync(ExecutorFootprint.HostBinary));

static string Mib(long bytes) => (bytes / 1024.0 / 1024.0).ToString("0.0", CultureInfo.InvariantCulture);
