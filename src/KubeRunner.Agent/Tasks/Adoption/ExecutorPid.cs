using System.Diagnostics;
using System.Globalization;

namespace KubeRunner.Agent.Tasks.Adoption;

/// <summary>
/// An executor process known only by its pid (started by an earlier agent process). Before acting on
/// the pid it checks that the process still is a kube-runner-executor, since pids are reused.
/// </summary>
internal static class ExecutorPid
{
    public static bool IsAlive(int pid)
    {
        try
        {
            var cmdline = File.ReadAllText(string.Create(CultureInfo.InvariantCulture, $"/proc/{pid}/cmdline"));
            var stat = File.ReadAllText(string.Create(CultureInfo.InvariantCulture, $"/proc/{pid}/stat"));
            // A zombie ("Z") has exited; its parent just has not reaped it yet.
            var state = stat[(stat.LastIndexOf(')') + 2)..].FirstOrDefault();
            return cmdline.Contains("kube-runner-executor", StringComparison.Ordinal) && state != 'Z';
        }
        catch (IOException)
        {
            return false;
        }
    }

    public static async Task WaitForExitAsync(int pid, TimeSpan timeout)
    {
        var deadline = DateTimeOffset.UtcNow + timeout;
        while (IsAlive(pid) && DateTimeOffset.UtcNow < deadline)
        {
            await Task.Delay(TimeSpan.FromMilliseconds(200));
        }

        Kill(pid);
    }

    public static void Kill(int pid)
    {
        if (!IsAlive(pid))
        {
            return;
        }

        try
        {
            using var process = Process.GetProcessById(pid);
            process.Kill(entireProcessTree: true);
        }
        catch (Exception e) when (e is ArgumentException or InvalidOperationException)
        {
            // Gone in the meantime.
        }
    }
}
