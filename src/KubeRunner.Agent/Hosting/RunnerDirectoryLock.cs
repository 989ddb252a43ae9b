using KubeRunner.Agent.Cli;

namespace KubeRunner.Agent.Hosting;

/// <summary>
/// Holds the directory of the executor socket and the task records for one daemon. Two daemons
/// sharing it would steal each other's socket (executors would reach the wrong agent) and adopt
/// each other's tasks, so the second one refuses to start. The lock is an advisory file lock, which
/// the kernel drops when the process dies: a killed agent never leaves a stale lock behind.
/// </summary>
internal sealed class RunnerDirectoryLock : IDisposable
{
    private const string FileName = "kube-runner.lock";
    private readonly FileStream _file;

    private RunnerDirectoryLock(FileStream file) => _file = file;

    public static RunnerDirectoryLock Acquire(string socketPath)
    {
        var directory = Path.GetDirectoryName(Path.GetFullPath(socketPath))!;
        Directory.CreateDirectory(directory);
        var path = Path.Combine(directory, FileName);
        try
        {
            // On Unix, FileShare.None takes flock(LOCK_EX | LOCK_NB) on the file.
            return new RunnerDirectoryLock(new FileStream(path, FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None));
        }
        catch (IOException)
        {
            throw new CliException(ExitCodes.Configuration,
                $"another kube-runner daemon is running with {directory} (its executor socket and task records); " +
                "stop it, or give this runner its own host.workdir_parent or executor.socket");
        }
        catch (UnauthorizedAccessException e)
        {
            throw new CliException(ExitCodes.Configuration,
                $"cannot write {path}: {e.Message}; set host.workdir_parent or executor.socket to a directory this user owns");
        }
    }

    public void Dispose() => _file.Dispose();
}
