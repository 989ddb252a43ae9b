using KubeRunner.Agent.Actions;
using KubeRunner.Agent.Configuration;
using KubeRunner.Testing.Git;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;

namespace KubeRunner.Agent.Tests.Actions;

/// <summary>A loopback git server, a temporary cache directory and a fake clock, for one test.</summary>
internal sealed class ActionTestBed : IAsyncDisposable
{
    private readonly List<ActionCache> _caches = [];

    private ActionTestBed(LoopbackGitServer server, DirectoryInfo directory)
    {
        Server = server;
        Directory = directory;
    }

    public LoopbackGitServer Server { get; }

    public DirectoryInfo Directory { get; }

    public string CacheDir => Path.Join(Directory.FullName, "cache");

    public FakeTimeProvider Time { get; } = new();

    public HttpClient Http { get; } = ActionsHttp.CreateClient();

    public static CancellationToken Timeout => new CancellationTokenSource(Testing.TestTimeouts.Default).Token;

    public static async Task<ActionTestBed> StartAsync() =>
        new(await LoopbackGitServer.StartAsync(), System.IO.Directory.CreateTempSubdirectory("kube-runner-actions-"));

    public GitRefResolver CreateResolver() => new(Http, NullLogger<GitRefResolver>.Instance);

    /// <summary>A cache on <see cref="CacheDir"/>; <paramref name="git"/> null means "this machine's git".</summary>
    public ActionCache CreateCache(long maxSize = ActionsOptions.DefaultCacheMaxSize, GitFetcher? git = null)
    {
        var options = new ActionsOptions { CacheDir = CacheDir, CacheMaxSize = maxSize };
        var downloader = new ActionDownloader(Http, git ?? GitFetcher.FromPath(Environment.GetEnvironmentVariable("PATH")), NullLogger<ActionDownloader>.Instance);
        var cache = new ActionCache(options, CreateResolver(), downloader, Time, NullLogger<ActionCache>.Instance);
        _caches.Add(cache);
        return cache;
    }

    /// <summary>Everything below the cache directory, relative, sorted: to show that a failure left nothing behind.</summary>
    public string[] CacheContents() => System.IO.Directory.Exists(CacheDir)
        ? [.. System.IO.Directory.EnumerateFileSystemEntries(CacheDir, "*", SearchOption.AllDirectories).Select(path => Path.GetRelativePath(CacheDir, path)).Order(StringComparer.Ordinal)]
        : [];

    public async ValueTask DisposeAsync()
    {
        _caches.ForEach(cache => cache.Dispose());
        Http.Dispose();
        await Server.DisposeAsync();
        Directory.Delete(recursive: true);
    }
}
