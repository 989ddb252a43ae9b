namespace KubeRunner.Agent.Backends;

/// <summary>
/// What a job's workspace starts with when there is no forge to check out from: a copy of a local
/// checkout (<c>kube-runner exec</c>, as forgejo-runner's exec copies its working directory). A
/// copy, not the directory itself, so a job cannot change the files it was started from.
/// </summary>
/// <param name="Directory">The checkout.</param>
/// <param name="Files">The files to copy, relative to <paramref name="Directory"/> (what git does not ignore);
/// null to copy everything. The <c>.git</c> directory is always copied whole, so git works in steps.</param>
internal sealed record WorkspaceSeed(string Directory, IReadOnlyList<string>? Files)
{
    /// <param name="workspace">Where the copy goes.</param>
    /// <param name="skip">A directory never copied: where the runner keeps its task directories, which
    /// lies inside the checkout when exec runs in the home directory (the copy would contain itself).</param>
    public void CopyTo(string workspace, string skip)
    {
        System.IO.Directory.CreateDirectory(workspace);
        skip = Path.TrimEndingDirectorySeparator(Path.GetFullPath(skip));
        if (Files is null)
        {
            CopyTree(Directory, workspace, skip);
            return;
        }

        foreach (var file in Files)
        {
            var source = Path.Combine(Directory, file);
            if (source.StartsWith(skip + "/", StringComparison.Ordinal))
            {
                continue;
            }

            // Listed by git but deleted in the work tree since: the job sees the work tree.
            if (File.Exists(source) || new FileInfo(source).LinkTarget is not null)
            {
                CopyFile(source, Path.Combine(workspace, file));
            }
        }

        var git = Path.Combine(Directory, ".git");
        if (System.IO.Directory.Exists(git))
        {
            CopyTree(git, Path.Combine(workspace, ".git"), skip);
        }
        else if (File.Exists(git))
        {
            // A worktree or submodule: .git is a file pointing at the real repository.
            CopyFile(git, Path.Combine(workspace, ".git"));
        }
    }

    private static void CopyTree(string source, string target, string skip)
    {
        System.IO.Directory.CreateDirectory(target);
        foreach (var entry in new DirectoryInfo(source).EnumerateFileSystemInfos())
        {
            var destination = Path.Combine(target, entry.Name);
            if (entry.FullName == skip)
            {
                continue;
            }

            if (entry is DirectoryInfo directory && directory.LinkTarget is null)
            {
                CopyTree(directory.FullName, destination, skip);
            }
            else
            {
                CopyFile(entry.FullName, destination);
            }
        }
    }

    /// <summary>Copies a file with its mode; a symbolic link stays a link (to the same target).</summary>
    private static void CopyFile(string source, string destination)
    {
        System.IO.Directory.CreateDirectory(Path.GetDirectoryName(destination)!);
        if (new FileInfo(source).LinkTarget is { } target)
        {
            File.CreateSymbolicLink(destination, target);
            return;
        }

        File.Copy(source, destination, overwrite: true);
    }
}
