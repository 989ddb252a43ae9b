using System.Diagnostics;
using System.Globalization;
using KubeRunner.Testing.Docker;

namespace KubeRunner.Benchmarks.Executor;

/// <summary>
/// Size and start-up of the executor as backends ship it: the Native AOT bundle (docs/adr/0005),
/// published here with the repository's own publish command.
/// </summary>
internal static class ExecutorFootprint
{
    private const int Starts = 20;

    /// <summary>The AOT executor for the host backend: the published binary, before it is bundled for containers.</summary>
    public static string HostBinary { get; } = Path.Combine(ExecutorBin, "linux-x64", "publish", "kube-runner-executor");

    /// <summary>The build output of src/KubeRunner.Executor; the benchmarks run in Release.</summary>
    private static string ExecutorBin => Path.Combine(ExecutorBundle.RepositoryRoot(), "src", "KubeRunner.Executor", "bin", "Release", "net10.0");

    public static async Task<IEnumerable<string>> RunAsync(ExecutorBundle bundle)
    {
        var binary = bundle.Files["kube-runner-executor"];
        // What a framework-dependent executor would need in every image: its build plus the shared runtime.
        var runtime = DirectorySize(Path.GetDirectoryName(typeof(object).Assembly.Location)!);
        var jitSize = DirectorySize(ExecutorBin, SearchOption.TopDirectoryOnly);

        // In a container the kernel starts the binary through the bundled loader; here the loader is
        // called by hand, since /__kube-runner does not exist on this machine.
        var loader = Path.Combine(bundle.Directory, "lib", "ld-linux-x86-64.so.2");
        var aot = await MeanStartAsync(loader, Path.Combine(bundle.Directory, "kube-runner-executor"), "--version");
        var jitStart = await MeanStartAsync(Path.Combine(ExecutorBin, "kube-runner-executor"), "--version");
        var baseline = await MeanStartAsync("/bin/true");
        return
        [
            $"| Executor size: AOT binary, and the whole bundle (binary, glibc loader, libc, libm) | {Mb(binary)} MB, bundle {Mb(bundle.SizeBytes)} MB | "
                + $"a JIT build and the .NET runtime it needs in the image: {Mb(jitSize + runtime)} MB | {(double)bundle.SizeBytes / (jitSize + runtime):0.00} |",
            $"| Executor start-up (`--version`, spawn to exit, mean of {Starts}), AOT bundle | {Ms(aot)} ms | `/bin/true`: {Ms(baseline)} ms | {aot / baseline:0.0} |",
            $"| Executor start-up, the same program as a JIT build (for comparison) | {Ms(jitStart)} ms | `/bin/true`: {Ms(baseline)} ms | {jitStart / baseline:0.0} |",
        ];
    }

    private static async Task<TimeSpan> MeanStartAsync(string program, params string[] arguments)
    {
        await StartAsync(program, arguments); // warm-up: page cache
        var stopwatch = Stopwatch.StartNew();
        for (var i = 0; i < Starts; i++)
        {
            await StartAsync(program, arguments);
        }

        return stopwatch.Elapsed / Starts;
    }

    private static async Task StartAsync(string program, string[] arguments)
    {
        var start = new ProcessStartInfo(program) { UseShellExecute = false, RedirectStandardOutput = true };
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        using var process = Process.Start(start)!;
        await process.StandardOutput.ReadToEndAsync();
        await process.WaitForExitAsync();
        if (process.ExitCode != 0)
        {
            throw new InvalidOperationException($"{program} exited with {process.ExitCode}");
        }
    }

    private static long DirectorySize(string directory, SearchOption search = SearchOption.AllDirectories) =>
        new DirectoryInfo(directory).EnumerateFiles("*", search).Where(f => f.Extension is not (".pdb" or ".xml")).Sum(f => f.Length);

    private static string Mb(long bytes) => (bytes / 1e6).ToString("0.0", CultureInfo.InvariantCulture);

    private static string Ms(TimeSpan value) => value.TotalMilliseconds.ToString("0.0", CultureInfo.InvariantCulture);
}
