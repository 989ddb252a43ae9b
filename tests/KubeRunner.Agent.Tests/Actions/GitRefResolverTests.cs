using System.Net;
using System.Net.Sockets;
using KubeRunner.Agent.Actions;
using KubeRunner.Testing.Git;

namespace KubeRunner.Agent.Tests.Actions;

public sealed class GitRefResolverTests : ActionTestBase
{
    private static readonly Dictionary<string, string> ActionFiles = new(StringComparer.Ordinal) { ["action.yml"] = "name: test\nruns:\n  using: node20\n  main: index.js\n" };

    [Fact]
    public async Task ResolveAsync_LightweightTag_ReturnsTaggedCommit()
    {
        var tagged = await Bed.Server.CreateRepositoryAsync("actions", "checkout", ActionFiles, "v4");
        await Bed.Server.CommitAsync("actions", "checkout", "main", new RepositoryContent(new Dictionary<string, string> { ["later.txt"] = "x" }));

        var sha = await Bed.CreateResolver().ResolveAsync(Bed.Server.RepositoryUrl("actions", "checkout"), "v4", ActionTestBed.Timeout);

        Assert.Equal(tagged, sha);
    }

    [Fact]
    public async Task ResolveAsync_Branch_ReturnsBranchTip()
    {
        await Bed.Server.CreateRepositoryAsync("actions", "setup", ActionFiles);
        var tip = await Bed.Server.CommitAsync("actions", "setup", "releases/v2", new RepositoryContent(new Dictionary<string, string> { ["v2.txt"] = "2" }));

        var sha = await Bed.CreateResolver().ResolveAsync(Bed.Server.RepositoryUrl("actions", "setup"), "releases/v2", ActionTestBed.Timeout);

        Assert.Equal(tip, sha);
    }

    [Fact]
    public async Task ResolveAsync_AnnotatedTag_ReturnsPeeledCommitNotTagObject()
    {
        var commit = await Bed.Server.CreateRepositoryAsync("actions", "cache", ActionFiles);
        await Bed.Server.TagAsync("actions", "cache", "v3.1.0", commit, message: "release 3.1.0");

        var sha = await Bed.CreateResolver().ResolveAsync(Bed.Server.RepositoryUrl("actions", "cache"), "v3.1.0", ActionTestBed.Timeout);

        Assert.Equal(commit, sha);
    }

    [Fact]
    public async Task ResolveAsync_TagAndBranchOfSameName_PrefersTagAsGoGitDoes()
    {
        var tagged = await Bed.Server.CreateRepositoryAsync("actions", "both", ActionFiles, "v1");
        var branchTip = await Bed.Server.CommitAsync("actions", "both", "v1", new RepositoryContent(new Dictionary<string, string> { ["branch.txt"] = "b" }));

        var sha = await Bed.CreateResolver().ResolveAsync(Bed.Server.RepositoryUrl("actions", "both"), "v1", ActionTestBed.Timeout);

        Assert.NotEqual(branchTip, tagged);
        Assert.Equal(tagged, sha);
    }

    [Fact]
    public async Task ResolveAsync_FullRefName_ResolvesThatRef()
    {
        await Bed.Server.CreateRepositoryAsync("actions", "full", ActionFiles, "v1");
        var branchTip = await Bed.Server.CommitAsync("actions", "full", "v1", new RepositoryContent(new Dictionary<string, string> { ["branch.txt"] = "b" }));

        var sha = await Bed.CreateResolver().ResolveAsync(Bed.Server.RepositoryUrl("actions", "full"), "refs/heads/v1", ActionTestBed.Timeout);

        Assert.Equal(branchTip, sha);
    }

    [Fact]
    public async Task ResolveAsync_FullSha_ReturnsItLowerCasedWithoutAnyRequest()
    {
        const string Sha = "0123456789ABCDEF0123456789abcdef01234567";

        var sha = await Bed.CreateResolver().ResolveAsync(Bed.Server.RepositoryUrl("nobody", "nothing"), Sha, ActionTestBed.Timeout);

        Assert.Equal(Sha.ToLowerInvariant(), sha);
        Assert.Empty(Bed.Server.RequestPaths);
    }

    [Fact]
    public async Task ResolveAsync_UnknownRepository_ThrowsDoesNotExistOrIsNotPublic()
    {
        var url = Bed.Server.RepositoryUrl("nobody", "nothing");

        var error = await Assert.ThrowsAsync<ActionFetchException>(() => Bed.CreateResolver().ResolveAsync(url, "v1", ActionTestBed.Timeout));

        Assert.Equal($"the action repository {url} does not exist or is not public (HTTP 404 while looking up 'v1')", error.Message);
        Assert.Equal(url, error.RepositoryUrl);
        Assert.Equal("v1", error.Reference);
    }

    [Fact]
    public async Task ResolveAsync_RepositoryNeedingAToken_ThrowsNotPublicBecauseNoTokenIsSent()
    {
        await Bed.Server.CreateRepositoryAsync("private", "action", ActionFiles, "v1");
        Bed.Server.RequireToken("private", "action", "secret-token");
        var url = Bed.Server.RepositoryUrl("private", "action");

        var error = await Assert.ThrowsAsync<ActionFetchException>(() => Bed.CreateResolver().ResolveAsync(url, "v1", ActionTestBed.Timeout));

        Assert.Equal($"the action repository {url} does not exist or is not public (HTTP 401 while looking up 'v1')", error.Message);
    }

    [Fact]
    public async Task ResolveAsync_UnknownRef_ThrowsNoBranchOrTag()
    {
        await Bed.Server.CreateRepositoryAsync("actions", "checkout", ActionFiles, "v4");
        var url = Bed.Server.RepositoryUrl("actions", "checkout");

        var error = await Assert.ThrowsAsync<ActionFetchException>(() => Bed.CreateResolver().ResolveAsync(url, "v9", ActionTestBed.Timeout));

        Assert.Equal($"the action repository {url} has no branch or tag 'v9'", error.Message);
    }

    [Fact]
    public async Task ResolveAsync_ShortenedSha_ThrowsAskingForTheFullSha()
    {
        var commit = await Bed.Server.CreateRepositoryAsync("actions", "checkout", ActionFiles, "v4");
        var url = Bed.Server.RepositoryUrl("actions", "checkout");

        var error = await Assert.ThrowsAsync<ActionFetchException>(() => Bed.CreateResolver().ResolveAsync(url, commit[..7], ActionTestBed.Timeout));

        Assert.Contains("shortened commit SHAs are not supported: use the full 40-character SHA", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ResolveAsync_NothingListening_ThrowsCannotReachWithReason()
    {
        // A port that was free a moment ago on loopback: connecting is refused.
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var port = ((IPEndPoint)listener.LocalEndpoint).Port;
        listener.Stop();
        var url = $"http://127.0.0.1:{port}/actions/checkout";

        var error = await Assert.ThrowsAsync<ActionFetchException>(() => Bed.CreateResolver().ResolveAsync(url, "v4", ActionTestBed.Timeout));

        Assert.StartsWith($"cannot reach {url} to look up 'v4': ", error.Message, StringComparison.Ordinal);
        Assert.Contains("refused", error.Message, StringComparison.OrdinalIgnoreCase);
    }

    [Theory]
    [InlineData("ftp://example.invalid/a/b")]
    [InlineData("not a url")]
    public async Task ResolveAsync_NotAnHttpUrl_ThrowsWithoutRequest(string url)
    {
        var error = await Assert.ThrowsAsync<ActionFetchException>(() => Bed.CreateResolver().ResolveAsync(url, "v1", ActionTestBed.Timeout));

        Assert.Equal($"the action repository '{url}' is not an http(s) URL (asked for ref 'v1')", error.Message);
    }
}
