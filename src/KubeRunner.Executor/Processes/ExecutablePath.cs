namespace KubeRunner.Executor.Processes;

/// <summary>Finds an executable the way a shell does, but in a PATH given by the caller.</summary>
internal static class ExecutablePath
{
    private const UnixFileMode AnyExecute = UnixFileMode.UserExecute | UnixFileMode.GroupExecute | UnixFileMode.OtherExecute;

    /// <summary>
    /// A <paramref name="name"/> containing '/' is used as is; otherwise the first directory of
    /// <paramref name="pathVariable"/> holding an executable file of that name wins. Empty and
    /// relative PATH entries are skipped: they would depend on the executor's own directory.
    /// </summary>
    /// <returns>The path to execute, or null when there is none.</returns>
    public static string? Find(string name, string? pathVariable)
    {
        ArgumentNullException.ThrowIfNull(name);
        if (name.Length == 0)
        {
            return null;
        }

        if (name.Contains('/', StringComparison.Ordinal))
        {
            return IsExecutableFile(name) ? name : null;
        }

        if (string.IsNullOrEmpty(pathVariable))
        {
            return null;
        }

        foreach (var directory in pathVariable.Split(':'))
        {
            if (directory.Length == 0 || directory[0] != '/')
            {
                continue;
            }

            var candidate = Path.Join(directory, name);
            if (IsExecutableFile(candidate))
            {
                return candidate;
            }
        }

        return null;
    }

    private static bool IsExecutableFile(string path)
    {
        try
        {
            // File.Exists is false for directories; both calls follow symbolic links.
            return File.Exists(path) && !OperatingSystem.IsWindows() && (File.GetUnixFileMode(path) & AnyExecute) != 0;
        }
        catch (IOException)
        {
            return false;
        }
        catch (UnauthorizedAccessException)
        {
            return false;
        }
    }
}
