namespace KubeRunner.Agent.Configuration;

/// <summary>Replaces a file so that readers see either the old or the new content, never a partial one.</summary>
internal static class AtomicFile
{
    /// <summary>
    /// Writes <paramref name="content"/> to a temporary file next to <paramref name="path"/>, flushes it
    /// to disk and renames it over <paramref name="path"/>. On Unix the file is created with
    /// <paramref name="unixMode"/>, so a secret is never readable by others, not even briefly.
    /// </summary>
    public static void Write(string path, byte[] content, UnixFileMode unixMode)
    {
        var fullPath = Path.GetFullPath(path);
        var directory = Path.GetDirectoryName(fullPath) ?? ".";
        var temporary = Path.Combine(directory, $".{Path.GetFileName(fullPath)}.{Guid.NewGuid():N}.tmp");
        var options = new FileStreamOptions { Mode = FileMode.CreateNew, Access = FileAccess.Write, Share = FileShare.None };
        if (!OperatingSystem.IsWindows())
        {
            options.UnixCreateMode = unixMode;
        }

        try
        {
            using (var stream = new FileStream(temporary, options))
            {
                stream.Write(content);
                stream.Flush(flushToDisk: true);
            }

            File.Move(temporary, fullPath, overwrite: true);
        }
        catch
        {
            File.Delete(temporary);
            throw;
        }
    }
}
