using System.Formats.Tar;
using System.IO.Compression;
using System.Net;
using System.Net.Http.Headers;
using System.Text;
using KubeRunner.Testing.Docker;
using KubeRunner.Testing.Git;

namespace KubeRunner.Testing.Tests.Git;

public sealed class LoopbackGitServerTests : IAsyncLifetime, IDisposable
{
    private static readonly Dictionary<string, string> Files = new(StringComparer.Ordinal) { ["action.yml"] = "name: a\n", ["src/index.js"] = "// js\n" };
    private static readonly Dictionary<string, string?> IsolatedGit = new(StringComparer.Ordinal) { ["GIT_CONFIG_GLOBAL"] = "/dev/null", ["GIT_CONFIG_NOSYSTEM"] = "1", ["GIT_TERMINAL_PROMPT"] = "0" };

    private readonly DirectoryInfo _directory = Directory.CreateTempSubdirectory("kube-runner-git-tests-");
    private readonly HttpClient _http = new();
    private LoopbackGitServer _server = null!;

    public async Task InitializeAsync() => _server = await LoopbackGitServer.StartAsync();

    public async Task DisposeAsync() => await _server.DisposeAsync();

    public void Dispose()
    {
        _http.Dispose();
        _directory.Delete(recursive: true);
    }

    [Fact]
    public async Task GitClone_OverSmartHttp_GetsTheCommitAndItsTags()
    {
        var sha = await _server.CreateRepositoryAsync("owner", "repo", Files, "v1");
        var clone = Path.Join(_directory.FullName, "clone");

        await Git(["clone", "-q", _server.RepositoryUrl("owner", "repo"), clone]);

        Assert.Equal("// js\n", File.ReadAllText(Path.Join(clone, "src", "index.js")));
        Assert.Equal(sha, (await Git(["-C", clone, "rev-parse", "v1^{commit}"])).Trim());
        Assert.StartsWith("http://127.0.0.1:", _server.Url.ToString(), StringComparison.Ordinal);
        Assert.Contains("/owner/repo/git-upload-pack", _server.RequestPaths);
    }

    [Fact]
    public async Task Archive_Get_IsTarGzWithTheRepositoryNameAsPrefix()
    {
        var sha = await _server.CreateRepositoryAsync("owner", "repo", Files, "v1");

        var names = await ArchiveNamesAsync($"{_server.RepositoryUrl("owner", "repo")}/archive/{sha}.tar.gz");

        Assert.Equal(["repo/", "repo/action.yml", "repo/src/", "repo/src/index.js"], names);
        Assert.Equal(1, _server.RequestCount($"/owner/repo/archive/{sha}.tar.gz"));
    }

    [Fact]
    public async Task Archive_TurnedOffOrUnknownRef_Answers404()
    {
        await _server.CreateRepositoryAsync("owner", "repo", Files, "v1");
        var url = $"{_server.RepositoryUrl("owner", "repo")}/archive/v1.tar.gz";

        using var unknown = await _http.GetAsync($"{_server.RepositoryUrl("owner", "repo")}/archive/v9.tar.gz");
        _server.ArchivesEnabled = false;
        using var off = await _http.GetAsync(url);

        Assert.Equal(HttpStatusCode.NotFound, unknown.StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, off.StatusCode);
    }

    [Fact]
    public async Task RequireToken_AsksForBasicAuthAndLetsTheTokenThrough()
    {
        await _server.CreateRepositoryAsync("owner", "private", Files);
        _server.RequireToken("owner", "private", "s3cret");
        var refs = $"{_server.RepositoryUrl("owner", "private")}.git/info/refs?service=git-upload-pack";

        using var anonymous = await _http.GetAsync(refs);
        using var request = new HttpRequestMessage(HttpMethod.Get, refs);
        request.Headers.Authorization = new AuthenticationHeaderValue("Basic", Convert.ToBase64String(Encoding.UTF8.GetBytes("x-access-token:s3cret")));
        using var authorized = await _http.SendAsync(request);
        var clone = Path.Join(_directory.FullName, "clone");
        await Git(["clone", "-q", _server.RepositoryUrl("owner", "private").Replace("http://", "http://token:s3cret@", StringComparison.Ordinal), clone]);

        Assert.Equal(HttpStatusCode.Unauthorized, anonymous.StatusCode);
        Assert.Equal("Basic", anonymous.Headers.WwwAuthenticate.Single().Scheme);
        Assert.Equal(HttpStatusCode.OK, authorized.StatusCode);
        Assert.Equal("application/x-git-upload-pack-advertisement", authorized.Content.Headers.ContentType?.MediaType);
        Assert.True(File.Exists(Path.Join(clone, "action.yml")));
    }

    [Fact]
    public async Task HoldArchives_HoldsUntilReleased()
    {
        var sha = await _server.CreateRepositoryAsync("owner", "repo", Files);
        var gate = _server.HoldArchives();

        var download = _http.GetAsync($"{_server.RepositoryUrl("owner", "repo")}/archive/{sha}.tar.gz");
        await gate.FirstArrived.WaitAsync(TestTimeouts.Default);
        Assert.False(download.IsCompleted);
        gate.Release();
        using var response = await download;

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(1, gate.Arrivals);
    }

    private async Task<List<string>> ArchiveNamesAsync(string url)
    {
        await using var body = await _http.GetStreamAsync(url);
        await using var gzip = new GZipStream(body, CompressionMode.Decompress);
        await using var reader = new TarReader(gzip);
        List<string> names = [];
        while (await reader.GetNextEntryAsync() is { } entry)
        {
            if (entry.EntryType != TarEntryType.GlobalExtendedAttributes)
            {
                names.Add(entry.Name);
            }
        }

        return names;
    }

    private static Task<string> Git(IEnumerable<string> args) => HostCommand.RunCheckedAsync("git", args, TestTimeouts.Default, IsolatedGit);
}
