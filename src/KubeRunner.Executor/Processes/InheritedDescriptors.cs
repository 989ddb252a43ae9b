namespace KubeRunner.Executor.Processes;

/// <summary>
/// Descriptors the executor itself inherited without close-on-exec (from a container runtime, a
/// CI shell, `kubectl exec`) would otherwise be passed on to every step. Descriptors the runtime
/// opens later are close-on-exec already, so marking the inherited ones once is enough; musl has
/// no posix_spawn file action to close them all in the child.
/// </summary>
internal static class InheritedDescriptors
{
    private static readonly Lock Gate = new();
    private static bool _done;

    public static void MarkCloseOnExecOnce()
    {
        lock (Gate)
        {
            if (_done)
            {
                return;
            }

            _done = true;
            IEnumerable<string> entries;
            try
            {
                entries = Directory.GetFileSystemEntries("/proc/self/fd");
            }
            catch (IOException)
            {
                return; // No /proc: nothing to learn the descriptors from.
            }
            catch (UnauthorizedAccessException)
            {
                return;
            }

            foreach (var entry in entries)
            {
                if (int.TryParse(Path.GetFileName(entry), System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var fd) && fd > 2)
                {
                    var flags = LibC.Fcntl(fd, LibC.FGetFd, 0);
                    if (flags >= 0 && (flags & LibC.FdCloExec) == 0)
                    {
                        _ = LibC.Fcntl(fd, LibC.FSetFd, flags | LibC.FdCloExec);
                    }
                }
            }
        }
    }
}
