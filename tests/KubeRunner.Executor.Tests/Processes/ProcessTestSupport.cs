using KubeRunner.Executor.Processes;

namespace KubeRunner.Executor.Tests.Processes;

/// <summary>Starting test processes and waiting for them with upper bounds (never for synchronisation).</summary>
internal static class ProcessTestSupport
{
    /// <summary>How long a process may take to do something that should be prompt.</summary>
    public static readonly TimeSpan Bound = TimeSpan.FromSeconds(10);

    public const string DefaultPath = "/usr/bin:/bin";

    public static Dictionary<string, string> Environment(params (string Name, string Value)[] extra)
    {
        var environment = new Dictionary<string, string>(StringComparer.Ordinal) { ["PATH"] = DefaultPath };
        foreach (var (name, value) in extra)
        {
            environment[name] = value;
        }

        return environment;
    }

    public static ChildProcessStartInfo Shell(string script, IReadOnlyDictionary<string, string>? environment = null, string workingDirectory = "/") =>
        new("sh", ["-c", script], environment ?? Environment(), workingDirectory);

    public static async Task<(int Exit, List<string> Lines)> RunAsync(ChildProcessStartInfo info)
    {
        await using var process = ChildProcess.Start(info);
        var lines = await ReadAllLinesAsync(process.Output).WaitAsync(Bound);
        var exit = await process.Exited.WaitAsync(Bound);
        return (exit, lines);
    }

    public static async Task<List<string>> ReadAllLinesAsync(Stream output)
    {
        var lines = new List<string>();
        await foreach (var line in new OutputLineReader(output).ReadLinesAsync())
        {
            lines.Add(line);
        }

        return lines;
    }

    public static async Task<string> NextLineAsync(IAsyncEnumerator<string> lines)
    {
        Assert.True(await lines.MoveNextAsync().AsTask().WaitAsync(Bound), "the output ended early");
        return lines.Current;
    }

    /// <summary>Polls <paramref name="condition"/> until it holds, failing after <see cref="Bound"/>.</summary>
    public static async Task WaitUntilAsync(Func<bool> condition, string what)
    {
        var deadline = DateTime.UtcNow + Bound;
        while (!condition())
        {
            Assert.True(DateTime.UtcNow < deadline, $"timed out waiting until {what}");
            await Task.Delay(20);
        }
    }

    public static bool ProcessExists(int pid) => Directory.Exists($"/proc/{pid}");

    /// <summary>The parent pid from /proc, or null when the process is gone.</summary>
    public static int? ParentOf(int pid)
    {
        try
        {
            var line = File.ReadLines($"/proc/{pid}/status").FirstOrDefault(l => l.StartsWith("PPid:", StringComparison.Ordinal));
            return line is null ? null : int.Parse(line["PPid:".Length..].Trim(), System.Globalization.CultureInfo.InvariantCulture);
        }
        catch (IOException)
        {
            return null;
        }
    }

    /// <summary>
    /// The test host is not PID 1: as a subreaper it adopts the orphans of its test processes, so
    /// that their disappearance from /proc shows that the reaper collected them.
    /// </summary>
    public static void BecomeSubreaper() => Assert.True(ChildReaper.TryBecomeSubreaper());
}
