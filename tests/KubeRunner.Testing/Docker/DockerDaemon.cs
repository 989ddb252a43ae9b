using System.ComponentModel;
using System.Diagnostics;

namespace KubeRunner.Testing.Docker;

/// <summary>
/// Makes sure a Docker daemon answers before a test uses containers: reuses a running one, otherwise
/// starts <c>dockerd</c> (Debian's docker.io) in the background and leaves it running for later runs.
/// </summary>
/// <remarks>
/// When Docker cannot be made to work the test fails with the reason; it is never skipped, because a
/// skipped container test would read as "the executor starts everywhere" when nothing was checked.
/// </remarks>
public static class DockerDaemon
{
    private static readonly TimeSpan StartBound = TimeSpan.FromSeconds(90);
    private static readonly TimeSpan PollInterval = TimeSpan.FromMilliseconds(500);

    // One attempt per test process: after a failure every test fails at once with the same reason.
    private static readonly Lazy<Task> Ready = new(StartOrReuseAsync);

    public static Task EnsureAsync() => Ready.Value;

    private static async Task StartOrReuseAsync()
    {
        var first = await InfoAsync();
        if (first.ExitCode == 0)
        {
            return;
        }

        var dockerd = FindTool("dockerd")
            ?? throw Unusable($"`docker info` failed ({first.Stderr.Trim()}) and dockerd is not installed");
        if (Environment.UserName != "root")
        {
            throw Unusable($"`docker info` failed ({first.Stderr.Trim()}) and dockerd can only be started as root");
        }

        var log = Path.Combine(Path.GetTempPath(), $"kube-runner-dockerd-{Environment.ProcessId}.log");
        // setsid and the redirections detach dockerd from the test host: it outlives this run, and
        // writes to its own log file, not to a pipe that closes when the tests end.
        var started = await HostCommand.RunCheckedAsync("/bin/sh",
            ["-c", "setsid \"$1\" >\"$2\" 2>&1 </dev/null & echo $!", "sh", dockerd, log], TestTimeouts.Default);
        var pid = int.Parse(started.Trim(), System.Globalization.CultureInfo.InvariantCulture);

        var deadline = Stopwatch.StartNew();
        CommandResult info;
        do
        {
            await Task.Delay(PollInterval);
            info = await InfoAsync();
            if (info.ExitCode == 0)
            {
                return;
            }
        }
        while (deadline.Elapsed < StartBound && (IsRunning(pid) || deadline.Elapsed < TimeSpan.FromSeconds(5)));

        // Another test process may have started the daemon first; ours then exits, but Docker works.
        if ((await InfoAsync()).ExitCode == 0)
        {
            return;
        }

        throw Unusable($"dockerd (pid {pid}) did not become ready within {StartBound}: {info.Stderr.Trim()}\n"
            + $"last lines of {log}:\n{Tail(log)}");
    }

    private static async Task<CommandResult> InfoAsync()
    {
        try
        {
            return await HostCommand.RunAsync("docker", ["info", "--format", "{{.ServerVersion}}"], TestTimeouts.Default);
        }
        catch (Win32Exception)
        {
            throw Unusable("the docker command line is not installed");
        }
    }

    private static string? FindTool(string name) =>
        (Environment.GetEnvironmentVariable("PATH") ?? "").Split(':', StringSplitOptions.RemoveEmptyEntries)
            .Concat(["/usr/sbin", "/usr/bin", "/sbin", "/usr/local/sbin", "/usr/local/bin"])
            .Select(dir => Path.Combine(dir, name))
            .FirstOrDefault(File.Exists);

    // A zombie (state Z, not yet reaped by its new parent) has exited.
    private static bool IsRunning(int pid)
    {
        try
        {
            var stat = File.ReadAllText($"/proc/{pid}/stat");
            return stat[(stat.LastIndexOf(')') + 2)..].StartsWith('Z') is false;
        }
        catch (IOException)
        {
            return false;
        }
    }

    private static string Tail(string path) =>
        File.Exists(path) ? string.Join('\n', File.ReadLines(path).TakeLast(15)) : "(no log)";

    private static InvalidOperationException Unusable(string reason) =>
        new($"Docker is needed by this test and is not usable: {reason}. "
            + "Install docker.io (and debootstrap, busybox-static, musl, patchelf) and run as root, as .ci/run does"
            + (Environment.GetEnvironmentVariable("CI") is { Length: > 0 } ? " (CI is set: this is a failure, not a skip)." : "."));
}
