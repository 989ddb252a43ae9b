namespace KubeRunner.Testing.Git;

/// <summary>Creating repositories and commits: a work tree per repository, pushed into the bare repository the server serves.</summary>
public sealed partial class LoopbackGitServer
{
    private static readonly string[] Identity = ["-c", "user.name=KubeRunner Tests", "-c", "user.email=tests@kube-runner.invalid"];

    /// <summary>Creates <c>owner/repo</c> with one commit of <paramref name="files"/> on <c>main</c>, tagged with each of <paramref name="tags"/> (lightweight tags).</summary>
    /// <returns>The full SHA of the commit.</returns>
    public Task<string> CreateRepositoryAsync(string owner, string repo, IReadOnlyDictionary<string, string> files, params string[] tags) =>
        CreateRepositoryAsync(owner, repo, new RepositoryContent(files), tags);

    /// <summary>Like the overload with files, but the commit may also hold executables and symbolic links.</summary>
    public async Task<string> CreateRepositoryAsync(string owner, string repo, RepositoryContent content, params string[] tags)
    {
        var bare = BarePath(owner, repo);
        var work = WorkPath(owner, repo);
        Directory.CreateDirectory(Path.GetDirectoryName(bare)!);
        Directory.CreateDirectory(work);
        await GitTool.RunCheckedAsync(["init", "-q", "--bare", "-b", "main", bare], null, _shutdown.Token);
        await GitTool.RunCheckedAsync(["init", "-q", "-b", "main"], work, _shutdown.Token);
        var sha = await CommitInWorkTreeAsync(work, content);
        foreach (var tag in tags)
        {
            await GitTool.RunCheckedAsync(["tag", "--end-of-options", tag, sha], work, _shutdown.Token);
        }

        await PushAsync(owner, repo);
        return sha;
    }

    /// <summary>
    /// Adds a commit of <paramref name="content"/> (on top of what is there) to <paramref name="branch"/>,
    /// which is created from the current commit when it does not exist yet.
    /// </summary>
    /// <returns>The full SHA of the new commit.</returns>
    public async Task<string> CommitAsync(string owner, string repo, string branch, RepositoryContent content)
    {
        var work = WorkPath(owner, repo);
        var exists = await GitTool.TryRunAsync(["rev-parse", "--verify", "-q", $"refs/heads/{branch}"], work, _shutdown.Token) is not null;
        await GitTool.RunCheckedAsync(exists ? ["checkout", "-q", branch] : ["checkout", "-q", "-b", branch], work, _shutdown.Token);
        var sha = await CommitInWorkTreeAsync(work, content);
        await PushAsync(owner, repo);
        return sha;
    }

    /// <summary>
    /// Tags <paramref name="commit"/>, moving the tag when it exists: an annotated tag (a tag object)
    /// when <paramref name="message"/> is given, else a lightweight one.
    /// </summary>
    public async Task TagAsync(string owner, string repo, string tag, string commit, string? message = null)
    {
        string[] args = message is null ? ["tag", "-f", "--end-of-options", tag, commit] : [.. Identity, "tag", "-f", "-a", "-m", message, "--end-of-options", tag, commit];
        await GitTool.RunCheckedAsync(args, WorkPath(owner, repo), _shutdown.Token);
        await PushAsync(owner, repo);
    }

    private async Task<string> CommitInWorkTreeAsync(string work, RepositoryContent content)
    {
        foreach (var (path, text) in content.Files)
        {
            var full = Path.Combine(work, path);
            Directory.CreateDirectory(Path.GetDirectoryName(full)!);
            await File.WriteAllTextAsync(full, text, _shutdown.Token);
        }

        foreach (var path in content.Executables)
        {
            if (!OperatingSystem.IsWindows())
            {
                File.SetUnixFileMode(Path.Combine(work, path), (UnixFileMode)0b111_101_101);
            }
        }

        foreach (var (path, target) in content.Symlinks)
        {
            var full = Path.Combine(work, path);
            Directory.CreateDirectory(Path.GetDirectoryName(full)!);
            File.CreateSymbolicLink(full, target);
        }

        await GitTool.RunCheckedAsync(["add", "-A"], work, _shutdown.Token);
        await GitTool.RunCheckedAsync([.. Identity, "commit", "-q", "--allow-empty", "-m", "test commit"], work, _shutdown.Token);
        return (await GitTool.RunCheckedAsync(["rev-parse", "HEAD"], work, _shutdown.Token)).Trim();
    }

    private Task<string> PushAsync(string owner, string repo) =>
        GitTool.RunCheckedAsync(["push", "-q", "--force", BarePath(owner, repo), "refs/heads/*:refs/heads/*", "refs/tags/*:refs/tags/*"], WorkPath(owner, repo), _shutdown.Token);
}
