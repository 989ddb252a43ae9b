using System.Runtime.InteropServices;

namespace KubeRunner.Executor.Processes;

/// <summary>
/// The one owner of waitpid(-1) in the executor. A dedicated thread waits for any child, hands the
/// exit status of a registered pid to its task and silently reaps every other one: when the
/// executor is PID 1 (or a subreaper), orphaned grandchildren of the steps are re-parented to it
/// and would otherwise stay zombies.
/// </summary>
/// <remarks>
/// The runtime's own SIGCHLD handling only waits for pids that System.Diagnostics.Process started,
/// so the two do not collide as long as the executor never uses that class: a child started by it
/// could have its status taken here.
/// </remarks>
internal static unsafe class ChildReaper
{
    // With no child at all, waitpid fails at once with ECHILD; the thread then sleeps until the
    // next spawn, or this long, because as PID 1 orphans (e.g. from `kubectl exec`) can appear
    // without a spawn of ours.
    private static readonly TimeSpan IdlePoll = TimeSpan.FromSeconds(1);

    private static readonly Lock Gate = new();
    private static readonly Dictionary<int, TaskCompletionSource<int>> Waiting = [];
    private static readonly AutoResetEvent Spawned = new(false);
    private static Thread? _thread;

    /// <summary>
    /// Runs <paramref name="spawn"/> and registers the pid it returns before the reaper can look
    /// at it: a child that exits at once is still reported to <paramref name="exited"/>.
    /// </summary>
    public static int Spawn(Func<int> spawn, TaskCompletionSource<int> exited)
    {
        ArgumentNullException.ThrowIfNull(spawn);
        ArgumentNullException.ThrowIfNull(exited);
        int pid;
        lock (Gate)
        {
            EnsureStarted();
            pid = spawn();
            Waiting.Add(pid, exited);
        }

        Spawned.Set();
        return pid;
    }

    /// <summary>
    /// Makes orphaned descendants children of this process (PR_SET_CHILD_SUBREAPER), so that they
    /// are reaped here even when the executor is not PID 1.
    /// </summary>
    public static bool TryBecomeSubreaper() => LibC.Prctl(LibC.PrSetChildSubreaper, 1, 0, 0, 0) == 0;

    /// <summary>Exit code for a normal exit, 128 + signal number for a death by signal.</summary>
    public static int DecodeStatus(int status)
    {
        var signal = status & 0x7f;
        return signal == 0 ? (status >> 8) & 0xff : 128 + signal;
    }

    private static void EnsureStarted()
    {
        if (_thread is not null)
        {
            return;
        }

        _thread = new Thread(Run) { IsBackground = true, Name = "child reaper" };
        _thread.Start();
    }

    private static void Run()
    {
        while (true)
        {
            int status;
            var pid = LibC.WaitPid(-1, &status, 0);
            if (pid > 0)
            {
                Dispatch(pid, status);
                continue;
            }

            var errno = Marshal.GetLastPInvokeError();
            if (errno == LibC.EINTR)
            {
                continue;
            }

            // ECHILD: nothing to wait for yet.
            Spawned.WaitOne(IdlePoll);
        }
    }

    private static void Dispatch(int pid, int status)
    {
        TaskCompletionSource<int>? exited;
        lock (Gate)
        {
            Waiting.Remove(pid, out exited);
        }

        // Unknown pids are orphans adopted by this process: reaping them was the point.
        exited?.TrySetResult(DecodeStatus(status));
    }
}
