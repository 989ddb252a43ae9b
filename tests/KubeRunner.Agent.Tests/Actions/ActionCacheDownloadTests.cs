using System.Runtime.Versioning;
using KubeRunner.Agent.Actions;
using KubeRunner.Testing.Git;

namespace KubeRunner.Agent.Tests.Actions;

// File modes are what these tests check; Windows has none.
[UnsupportedOSPlatform("windows")]
public sealed class ActionCacheDownloadTests : ActionTestBase
{
    private static readonly RepositoryContent NestedAction = new(new Dictionary<string, string>(StringComparer.Ordinal)
    {
        ["README.md"] = "top\n",
        ["tools/lint/action.yml"] = "name: lint\nruns:\n  using: composite\n  steps: []\n",
        ["tools/lint/run.sh"] = "#!/bin/sh\necho lint\n",
    })
    {
        Executables = ["tools/lint/run.sh"],
        Symlinks = new Dictionary<string, string>(StringComparer.Ordinal) { ["tools/lint/run"] = "run.sh" },
    };

    [Fact]
    public async Task AcquireAsync_TagOfNestedAction_DownloadsArchiveWithModesAndSymlinks()
    {
        var sha = await Bed.Server.CreateRepositoryAsync("org", "tools", NestedAction, "v1");
        var cache = Bed.CreateCache();

        using var lease = await cache.AcquireAsync(Bed.Server.RepositoryUrl("org", "tools"), "v1", ActionTestBed.Timeout);

        AssertNestedAction(lease, sha);
        Assert.False(lease.FromCache);
        Assert.Equal(Path.Join(Bed.CacheDir, ActionRepository.Parse(lease.RepositoryUrl, "v1").Hash, sha), lease.Directory);
        Assert.Equal(1, Bed.Server.RequestCount($"/org/tools/archive/{sha}.tar.gz"));
        Assert.True(File.Exists(lease.Directory + ".json"));
    }

    [Fact]
    public async Task AcquireAsync_ArchivesTurnedOff_FetchesWithGitAndDropsDotGit()
    {
        var sha = await Bed.Server.CreateRepositoryAsync("org", "tools", NestedAction, "v1");
        Bed.Server.ArchivesEnabled = false;
        var cache = Bed.CreateCache();

        using var lease = await cache.AcquireAsync(Bed.Server.RepositoryUrl("org", "tools"), "v1", ActionTestBed.Timeout);

        AssertNestedAction(lease, sha);
        Assert.False(Directory.Exists(Path.Join(lease.Directory, ".git")));
        Assert.Contains("/org/tools/git-upload-pack", Bed.Server.RequestPaths);
    }

    [Fact]
    public async Task AcquireAsync_ArchivesOffAndNoGit_ThrowsClearErrorAndLeavesNothing()
    {
        var sha = await Bed.Server.CreateRepositoryAsync("org", "tools", NestedAction, "v1");
        Bed.Server.ArchivesEnabled = false;
        var cache = Bed.CreateCache(git: new GitFetcher(null));
        var url = Bed.Server.RepositoryUrl("org", "tools");

        var error = await Assert.ThrowsAsync<ActionFetchException>(() => cache.AcquireAsync(url, "v1", ActionTestBed.Timeout));

        Assert.Equal(
            $"cannot download action {url}@v1 (commit {sha}): {url}/archive/{sha}.tar.gz answered HTTP 404 (no such commit, or archive downloads are turned off) and this machine has no git to fetch the commit instead",
            error.Message);
        Assert.Empty(Bed.CacheContents());
    }

    [Theory]
    [InlineData(ArchiveFault.ServerError, "answered HTTP 500 Internal Server Error")]
    [InlineData(ArchiveFault.Truncated, "broke off: Unable to read beyond the end of the stream.")]
    public async Task AcquireAsync_BrokenDownload_LeavesNoEntryAndNoStagingDirectory(ArchiveFault fault, string expected)
    {
        var sha = await Bed.Server.CreateRepositoryAsync("org", "tools", NestedAction, "v1");
        Bed.Server.ArchiveFault = fault;
        var cache = Bed.CreateCache();
        var url = Bed.Server.RepositoryUrl("org", "tools");

        var error = await Assert.ThrowsAsync<ActionFetchException>(() => cache.AcquireAsync(url, "v1", ActionTestBed.Timeout));

        Assert.StartsWith($"cannot download action {url}@v1 (commit {sha}): ", error.Message, StringComparison.Ordinal);
        Assert.Contains(expected, error.Message, StringComparison.Ordinal);
        Assert.Empty(Bed.CacheContents());
        Assert.Equal(0, cache.TotalSize);

        // Nothing of the failed attempt sticks: the next request downloads again and succeeds.
        Bed.Server.ArchiveFault = ArchiveFault.None;
        using var lease = await cache.AcquireAsync(url, "v1", ActionTestBed.Timeout);
        AssertNestedAction(lease, sha);
    }

    [Fact]
    public async Task AcquireAsync_ArchiveWithEscapingEntry_IsRefusedAndWritesNothingOutside()
    {
        var sha = await Bed.Server.CreateRepositoryAsync("org", "evil", NestedAction, "v1");
        Bed.Server.ServeArchive("org", "evil", sha, new TestArchive().Directory("evil/").File("evil/action.yml", "x").File("evil/../../escape", "owned").ToTarGz());
        var cache = Bed.CreateCache();
        var url = Bed.Server.RepositoryUrl("org", "evil");

        var error = await Assert.ThrowsAsync<ActionFetchException>(() => cache.AcquireAsync(url, "v1", ActionTestBed.Timeout));

        Assert.Equal(
            $"cannot download action {url}@v1 (commit {sha}): the archive {url}/archive/{sha}.tar.gz cannot be used: the entry 'evil/../../escape' points outside the action's directory",
            error.Message);
        Assert.Empty(Bed.CacheContents());
        Assert.False(File.Exists(Path.Join(Bed.Directory.FullName, "escape")));
    }

    [Fact]
    public async Task AcquireAsync_UnknownFullShaWithArchivesOff_ReportsWhatGitSaid()
    {
        await Bed.Server.CreateRepositoryAsync("org", "tools", NestedAction, "v1");
        Bed.Server.ArchivesEnabled = false;
        var cache = Bed.CreateCache();
        var url = Bed.Server.RepositoryUrl("org", "tools");
        var missing = new string('e', 40);

        var error = await Assert.ThrowsAsync<ActionFetchException>(() => cache.AcquireAsync(url, missing, ActionTestBed.Timeout));

        Assert.StartsWith(
            $"cannot download action {url}@{missing} (commit {missing}): {url}/archive/{missing}.tar.gz answered HTTP 404, and fetching the commit with git did not work either: git fetch failed (exit 128): ",
            error.Message, StringComparison.Ordinal);
        Assert.DoesNotContain('\n', error.Message);
        Assert.Empty(Bed.CacheContents());
    }

    [Fact]
    public async Task AcquireAsync_UnknownRef_ThrowsNamingRepositoryAndRef()
    {
        await Bed.Server.CreateRepositoryAsync("org", "tools", NestedAction, "v1");
        var cache = Bed.CreateCache();
        var url = Bed.Server.RepositoryUrl("org", "tools");

        var error = await Assert.ThrowsAsync<ActionFetchException>(() => cache.AcquireAsync(url + ".git/", "v2", ActionTestBed.Timeout));

        Assert.Equal($"the action repository {url} has no branch or tag 'v2'", error.Message);
        Assert.Empty(Bed.CacheContents());
    }

    private static void AssertNestedAction(ActionLease lease, string sha)
    {
        Assert.Equal(sha, lease.Sha);
        var action = Path.Join(lease.Directory, "tools", "lint");
        Assert.Equal("top\n", File.ReadAllText(Path.Join(lease.Directory, "README.md")));
        Assert.StartsWith("name: lint", File.ReadAllText(Path.Join(action, "action.yml")), StringComparison.Ordinal);
        Assert.True(File.GetUnixFileMode(Path.Join(action, "run.sh")).HasFlag(UnixFileMode.UserExecute));
        Assert.False(File.GetUnixFileMode(Path.Join(action, "action.yml")).HasFlag(UnixFileMode.UserExecute));
        Assert.Equal("run.sh", new FileInfo(Path.Join(action, "run")).LinkTarget);
    }
}
