using System.Collections.Concurrent;
using System.Net;
using System.Text;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Server.Kestrel.Core;

namespace KubeRunner.Testing.Git;

/// <summary>
/// A git server on 127.0.0.1 with a random port, serving bare repositories from a temporary
/// directory the way Forgejo does for actions: git's smart HTTP (through git's own
/// <c>git http-backend</c>, so any git client can clone) and <c>/{owner}/{repo}/archive/{ref}.tar.gz</c>
/// (made by <c>git archive</c>). Tests create repositories with <see cref="CreateRepositoryAsync(string, string, IReadOnlyDictionary{string, string}, string[])"/>,
/// can require a token for some of them, count requests, turn archives off or spoil them, and hold
/// archive responses with a <see cref="RequestGate"/>. Needs <c>git</c> on the test machine.
/// </summary>
public sealed partial class LoopbackGitServer : IAsyncDisposable
{
    private const string ArchiveSuffix = ".tar.gz";

    private readonly WebApplication _app;
    private readonly CancellationTokenSource _shutdown = new();
    private readonly DirectoryInfo _root;
    private readonly ConcurrentDictionary<string, string> _tokens = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, byte[]> _archiveOverrides = new(StringComparer.Ordinal);
    private readonly ConcurrentQueue<string> _requests = new();
    private volatile RequestGate? _archiveGate;

    private LoopbackGitServer(WebApplication app, DirectoryInfo root)
    {
        _app = app;
        _root = root;
    }

    /// <summary>The server's address with a trailing slash, e.g. <c>http://127.0.0.1:43211/</c>.</summary>
    public Uri Url { get; private set; } = null!;

    /// <summary>When false, archive downloads answer 404, as on a forge with source archives disabled.</summary>
    public bool ArchivesEnabled { get; set; } = true;

    /// <summary>How archive downloads are spoiled; <see cref="Git.ArchiveFault.None"/> serves them whole.</summary>
    public ArchiveFault ArchiveFault { get; set; }

    /// <summary>The path of every request so far (without query), in arrival order.</summary>
    public IReadOnlyList<string> RequestPaths => [.. _requests];

    private string RepositoriesPath => Path.Combine(_root.FullName, "repos");

    public static async Task<LoopbackGitServer> StartAsync()
    {
        var root = Directory.CreateTempSubdirectory("kube-runner-git-");
        var builder = WebApplication.CreateEmptyBuilder(new WebApplicationOptions());
        builder.WebHost.UseKestrelCore().ConfigureKestrel(kestrel =>
        {
            kestrel.AddServerHeader = false;
            kestrel.Listen(IPAddress.Loopback, 0, listen => listen.Protocols = HttpProtocols.Http1);
        });
        var app = builder.Build();
        var server = new LoopbackGitServer(app, root);
        app.Run(server.HandleAsync);
        await app.StartAsync();
        server.Url = new Uri($"http://127.0.0.1:{LoopbackApp.BoundAddress(app).Port}/");
        return server;
    }

    /// <summary>The repository's URL as a <c>uses:</c> step or a clone names it, without <c>.git</c> or a trailing slash.</summary>
    public string RepositoryUrl(string owner, string repo) => $"{Url}{owner}/{repo}";

    /// <summary>From now on every request for the repository needs HTTP basic auth with this token as password (any user name).</summary>
    public void RequireToken(string owner, string repo, string token) => _tokens[$"{owner}/{repo}"] = token;

    /// <summary>Serves <paramref name="tarGz"/> instead of <c>git archive</c>'s output for this archive request.</summary>
    public void ServeArchive(string owner, string repo, string reference, byte[] tarGz) => _archiveOverrides[$"{owner}/{repo}/{reference}"] = tarGz;

    /// <summary>Holds every archive response from now on until the returned gate is released.</summary>
    public RequestGate HoldArchives()
    {
        var gate = new RequestGate();
        _archiveGate = gate;
        return gate;
    }

    /// <summary>How many requests had exactly this path (e.g. <c>/owner/repo.git/info/refs</c>).</summary>
    public int RequestCount(string path) => _requests.Count(request => request == path);

    public async ValueTask DisposeAsync()
    {
        await LoopbackApp.StopAsync(_app, _shutdown);
        _root.Delete(recursive: true);
    }

    private async Task HandleAsync(HttpContext context)
    {
        var path = context.Request.Path.Value ?? "/";
        _requests.Enqueue(path);
        using var cancel = CancellationTokenSource.CreateLinkedTokenSource(context.RequestAborted, _shutdown.Token);
        var segments = path.Trim('/').Split('/');
        if (segments.Length < 3 || !IsName(segments[0]) || !IsName(segments[1]))
        {
            context.Response.StatusCode = StatusCodes.Status404NotFound;
            return;
        }

        var owner = segments[0];
        var repo = segments[1].EndsWith(".git", StringComparison.Ordinal) ? segments[1][..^4] : segments[1];
        if (!Directory.Exists(BarePath(owner, repo)))
        {
            context.Response.StatusCode = StatusCodes.Status404NotFound;
        }
        else if (!IsAuthorized(context.Request, owner, repo))
        {
            context.Response.StatusCode = StatusCodes.Status401Unauthorized;
            context.Response.Headers.WWWAuthenticate = "Basic realm=\"loopback git\"";
        }
        else if (segments is [_, _, "archive", var file] && file.EndsWith(ArchiveSuffix, StringComparison.Ordinal))
        {
            await ServeArchiveAsync(context, owner, repo, file[..^ArchiveSuffix.Length], cancel.Token);
        }
        else
        {
            // http-backend finds repositories by path below GIT_PROJECT_ROOT, where they are named repo.git.
            var pathInfo = $"/{owner}/{repo}.git/{string.Join('/', segments[2..])}";
            await GitCgi.RunAsync(context, RepositoriesPath, pathInfo, cancel.Token);
        }
    }

    private async Task ServeArchiveAsync(HttpContext context, string owner, string repo, string reference, CancellationToken cancellationToken)
    {
        if (_archiveGate is { } gate)
        {
            await gate.PassAsync(cancellationToken);
        }

        var archive = !ArchivesEnabled ? null
            : _archiveOverrides.TryGetValue($"{owner}/{repo}/{reference}", out var overridden) ? overridden
            : await GitTool.TryRunAsync(["--git-dir", BarePath(owner, repo), "archive", "--format=tar.gz", $"--prefix={repo}/", "--end-of-options", reference], null, cancellationToken);
        if (archive is null)
        {
            context.Response.StatusCode = StatusCodes.Status404NotFound;
            return;
        }

        if (ArchiveFault == ArchiveFault.ServerError)
        {
            context.Response.StatusCode = StatusCodes.Status500InternalServerError;
            return;
        }

        context.Response.ContentType = "application/octet-stream";
        var length = ArchiveFault == ArchiveFault.Truncated ? archive.Length / 2 : archive.Length;
        await context.Response.Body.WriteAsync(archive.AsMemory(0, length), cancellationToken);
    }

    private bool IsAuthorized(HttpRequest request, string owner, string repo)
    {
        if (!_tokens.TryGetValue($"{owner}/{repo}", out var token))
        {
            return true;
        }

        var header = request.Headers.Authorization.ToString();
        if (!header.StartsWith("Basic ", StringComparison.OrdinalIgnoreCase))
        {
            return false;
        }

        try
        {
            var credentials = Encoding.UTF8.GetString(Convert.FromBase64String(header["Basic ".Length..].Trim()));
            var colon = credentials.IndexOf(':', StringComparison.Ordinal);
            return colon >= 0 && credentials[(colon + 1)..] == token;
        }
        catch (FormatException)
        {
            return false;
        }
    }

    private string BarePath(string owner, string repo) => Path.Combine(RepositoriesPath, owner, repo + ".git");

    private string WorkPath(string owner, string repo) => Path.Combine(_root.FullName, "work", owner, repo);

    // Owner and repository names as Forgejo allows them; anything else (.., empty) is simply not found.
    private static bool IsName(string segment) =>
        segment.Length > 0 && segment != "." && segment != ".." &&
        segment.All(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_' or '.');
}
