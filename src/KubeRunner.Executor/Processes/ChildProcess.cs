using System.Runtime.InteropServices;

namespace KubeRunner.Executor.Processes;

/// <summary>
/// One step's process: the leader of its own process group, stdin on /dev/null, stdout and stderr
/// merged into <see cref="Output"/>, exit status delivered by <see cref="ChildReaper"/>.
/// </summary>
/// <remarks>
/// <see cref="Exited"/> completes when the leader exits, independently of <see cref="Output"/>:
/// background processes the step left behind may hold the pipe open for ever. After
/// <see cref="Exited"/>, a caller bounds the remaining output by reading on for a short while and
/// then calling <see cref="EndOutput"/>, or by <see cref="StopAsync"/> (which ends every process of
/// the group, so the pipe closes unless a process moved to another group with setsid).
/// </remarks>
internal sealed class ChildProcess : IAsyncDisposable
{
    private static readonly TimeSpan GroupPoll = TimeSpan.FromMilliseconds(50);
    private static readonly TimeSpan DisposeKillWait = TimeSpan.FromSeconds(10);

    private readonly TaskCompletionSource<int> _exited;
    private readonly PipeOutputStream _output;

    private ChildProcess(int id, TaskCompletionSource<int> exited, PipeOutputStream output)
    {
        Id = id;
        _exited = exited;
        _output = output;
    }

    /// <summary>The pid of the leader, which is also the process group id.</summary>
    public int Id { get; }

    /// <summary>Merged stdout and stderr as raw bytes; ends when every writer has closed the pipe, or after <see cref="EndOutput"/>.</summary>
    public Stream Output => _output;

    /// <summary>The leader's exit code, or 128 + signal number when a signal killed it.</summary>
    public Task<int> Exited => _exited.Task;

    /// <exception cref="ChildProcessException">The executable, the working directory or the environment is unusable; the message is one line.</exception>
    public static ChildProcess Start(ChildProcessStartInfo info)
    {
        ArgumentNullException.ThrowIfNull(info);
        if (!Directory.Exists(info.WorkingDirectory))
        {
            throw new ChildProcessException($"working directory {info.WorkingDirectory} does not exist");
        }

        var path = Resolve(info);
        var environment = new List<string>(info.Environment.Count);
        foreach (var (name, value) in info.Environment.OrderBy(pair => pair.Key, StringComparer.Ordinal))
        {
            if (name.Length == 0 || name.Contains('=', StringComparison.Ordinal))
            {
                throw new ChildProcessException($"invalid environment variable name '{name}'");
            }

            environment.Add($"{name}={value}");
        }

        var argv = new List<string>(info.Arguments.Count + 1) { info.FileName };
        argv.AddRange(info.Arguments);

        InheritedDescriptors.MarkCloseOnExecOnce();
        var exited = new TaskCompletionSource<int>(TaskCreationOptions.RunContinuationsAsynchronously);
        var (readFd, writeFd) = OutputPipe.Create();
        int pid;
        try
        {
            pid = ChildReaper.Spawn(() => PosixSpawner.Spawn(path, argv, environment, info.WorkingDirectory, writeFd, readFd), exited);
        }
        catch
        {
            _ = LibC.Close(readFd);
            throw;
        }
        finally
        {
            // Only the child may keep a write end, or the output would never end.
            _ = LibC.Close(writeFd);
        }

        return new ChildProcess(pid, exited, new PipeOutputStream(readFd));
    }

    /// <summary>Sends <paramref name="signal"/> to every process of the group; a group that is already gone is not an error.</summary>
    public void SignalGroup(int signal)
    {
        if (LibC.Kill(-Id, signal) == 0)
        {
            return;
        }

        var errno = Marshal.GetLastPInvokeError();
        if (errno != LibC.ESRCH)
        {
            throw new ChildProcessException($"cannot send signal {signal} to process group {Id}: {Marshal.GetPInvokeErrorMessage(errno)}");
        }
    }

    /// <summary>
    /// Sends TERM to the group, waits up to <paramref name="grace"/> for the leader and every other
    /// process of the group to end, then sends KILL to whatever is left.
    /// </summary>
    /// <returns>The leader's exit status.</returns>
    public async Task<int> StopAsync(TimeSpan grace, CancellationToken ct = default)
    {
        SignalGroup(ProcessSignals.Terminate);
        var deadline = DateTime.UtcNow + grace;
        while (DateTime.UtcNow < deadline && (!Exited.IsCompleted || IsGroupAlive()))
        {
            var left = deadline - DateTime.UtcNow;
            var step = left < GroupPoll ? left : GroupPoll;
            if (step <= TimeSpan.Zero)
            {
                break;
            }

            if (!Exited.IsCompleted)
            {
                // Waits on the exit itself, so a prompt exit is seen at once.
                await Task.WhenAny(Exited, Task.Delay(step, ct));
                ct.ThrowIfCancellationRequested();
            }
            else
            {
                await Task.Delay(step, ct);
            }
        }

        if (!Exited.IsCompleted || IsGroupAlive())
        {
            SignalGroup(ProcessSignals.Kill);
        }

        return await Exited.WaitAsync(ct);
    }

    /// <summary>Ends <see cref="Output"/> after the data already read; see <see cref="PipeOutputStream.End"/>.</summary>
    public void EndOutput() => _output.End();

    /// <summary>
    /// Kills the group if the leader is still running and closes the output pipe. Background
    /// processes of a leader that already exited are left alone: a later step may rely on them.
    /// </summary>
    public async ValueTask DisposeAsync()
    {
        if (!Exited.IsCompleted)
        {
            SignalGroup(ProcessSignals.Kill);
            try
            {
                await Exited.WaitAsync(DisposeKillWait);
            }
            catch (TimeoutException)
            {
                // A process stuck in the kernel (uninterruptible I/O): the reaper collects it later.
            }
        }

        await _output.DisposeAsync();
    }

    // kill(-pgid, 0) succeeds while any process, including a zombie not yet reaped, is in the group.
    private bool IsGroupAlive() => LibC.Kill(-Id, 0) == 0 || Marshal.GetLastPInvokeError() != LibC.ESRCH;

    private static string Resolve(ChildProcessStartInfo info)
    {
        var name = info.FileName;
        info.Environment.TryGetValue("PATH", out var pathVariable);
        if (name.Contains('/', StringComparison.Ordinal))
        {
            // A relative path names a file under the working directory, as it would for the shell.
            var path = Path.IsPathRooted(name) ? name : Path.Join(info.WorkingDirectory, name);
            return ExecutablePath.Find(path, pathVariable) ?? throw new ChildProcessException($"{name}: not found or not executable");
        }

        return ExecutablePath.Find(name, pathVariable) ?? throw new ChildProcessException(
            pathVariable is null ? $"{name}: not found (the environment has no PATH)" : $"{name}: not found in PATH ({pathVariable})");
    }
}
