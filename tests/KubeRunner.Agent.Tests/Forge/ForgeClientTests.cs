using KubeRunner.Agent.Forge;
using KubeRunner.Agent.Forge.Connect;
using KubeRunner.Agent.Tests.TestSupport;
using KubeRunner.Protocol.Runner.V1;
using KubeRunner.Testing.FakeForge;
using ConnectCode = KubeRunner.Agent.Forge.Connect.ConnectCode;

namespace KubeRunner.Agent.Tests.Forge;

/// <summary>The Connect client against the fake forge: transport, headers, TLS and failures as a real server shows them.</summary>
public sealed class ForgeClientTests
{
    [Fact]
    public async Task Ping_PlainHttp_UsesHttp11AndEchoes()
    {
        await using var forge = await FakeForge.StartAsync(new FakeForgeOptions { BasePath = "/forgejo" });
        using var http = ForgeHttp.CreateClient(insecure: false);
        var client = new ForgeClient(http, forge.Url, null, TimeSpan.FromSeconds(30));

        var answer = await client.PingAsync("crunchy", CancellationToken.None);

        Assert.Equal("Hello, crunchy!", answer.Data);
        var request = Assert.Single(forge.Journal.Requests);
        Assert.Equal("ping.v1.PingService/Ping", request.Procedure);
        Assert.Equal("HTTP/1.1", request.HttpVersion);
        Assert.Equal("1", request.ConnectProtocolVersion);
        Assert.StartsWith("kube-runner/", request.UserAgent, StringComparison.Ordinal);
        Assert.Null(request.RunnerUuid);
    }

    [Fact]
    public async Task Calls_OverTlsWithInsecure_NegotiateHttp2()
    {
        await using var forge = await FakeForge.StartAsync(new FakeForgeOptions { UseTls = true });
        using var http = ForgeHttp.CreateClient(insecure: true);
        var client = new ForgeClient(http, forge.Url, null, TimeSpan.FromSeconds(30));

        await client.PingAsync("x", CancellationToken.None);

        Assert.Equal("HTTP/2", Assert.Single(forge.Journal.Requests).HttpVersion);
    }

    [Fact]
    public async Task Calls_OverTlsWithUntrustedCertificate_FailWithAdvice()
    {
        await using var forge = await FakeForge.StartAsync(new FakeForgeOptions { UseTls = true });
        using var http = ForgeHttp.CreateClient(insecure: false);
        var client = new ForgeClient(http, forge.Url, null, TimeSpan.FromSeconds(30));

        var error = await Assert.ThrowsAsync<ConnectException>(() => client.PingAsync("x", CancellationToken.None));

        Assert.Equal(ConnectCode.Unavailable, error.Code);
        Assert.Contains("TLS failed", error.Message, StringComparison.Ordinal);
        Assert.Contains("runner.insecure: true", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task FetchTask_SendsCredentialsRequestKeyAndDeadline_AndInflatesGzipAnswers()
    {
        await using var harness = await ForgeHarness.StartAsync();
        // Large enough for the forge to compress the answer (1 KiB or more).
        harness.Forge.EnqueueJob(new FakeJob
        {
            WorkflowYaml = ForgeHarness.Workflow(40),
            RunsOn = ["linux"],
            Secrets = new Dictionary<string, string> { ["BIG"] = new('s', 4096) },
        });

        var response = await harness.Client.FetchTaskAsync(new FetchTaskRequest(), "key-1", TimeSpan.FromSeconds(5), CancellationToken.None);

        Assert.NotNull(response.Task);
        Assert.Equal(new string('s', 4096), response.Task.Secrets["BIG"]);
        var request = Assert.Single(harness.Forge.Journal.Requests);
        Assert.Equal(harness.Runner.Uuid, request.RunnerUuid);
        Assert.Equal("key-1", request.RequestKey);
        Assert.Equal("5000", request.ConnectTimeoutMs);
        Assert.Contains("gzip", request.AcceptEncoding, StringComparison.Ordinal);
        Assert.Equal("application/proto", request.ContentType);
    }

    [Fact]
    public async Task FetchTask_ForgeSlowerThanFetchTimeout_IsDeadlineExceeded()
    {
        await using var harness = await ForgeHarness.StartAsync();
        harness.Forge.Faults.Delay(ForgeMethod.FetchTask, TimeSpan.FromSeconds(10));

        var error = await Assert.ThrowsAsync<ConnectException>(() =>
            harness.Client.FetchTaskAsync(new FetchTaskRequest(), "k", TimeSpan.FromMilliseconds(200), CancellationToken.None));

        Assert.Equal(ConnectCode.DeadlineExceeded, error.Code);
        Assert.True(ForgeErrors.IsTransient(error));
    }

    [Fact]
    public async Task UpdateTask_WrongCredentials_IsUnauthenticatedAndNotTransient()
    {
        await using var forge = await FakeForge.StartAsync();
        using var http = ForgeHttp.CreateClient(insecure: false);
        var client = new ForgeClient(http, forge.Url, new RunnerCredentials("00000000-0000-4000-8000-000000000000", "wrong"), TimeSpan.FromSeconds(30));

        var error = await Assert.ThrowsAsync<ConnectException>(() =>
            client.UpdateTaskAsync(new UpdateTaskRequest { State = new TaskState { Id = 1 } }, CancellationToken.None));

        Assert.Equal(ConnectCode.Unauthenticated, error.Code);
        Assert.Equal(401, error.HttpStatus);
        Assert.Equal("unregistered runner", error.Message);
        Assert.False(ForgeErrors.IsTransient(error));
    }

    [Theory]
    [InlineData(502, "text/html", "<html><body>Bad Gateway</body></html>")]
    [InlineData(503, "text/plain", "upstream connect error")]
    public async Task Calls_ReverseProxyAnswers_AreTransientUnavailable(int status, string contentType, string body)
    {
        await using var harness = await ForgeHarness.StartAsync();
        harness.Forge.Faults.AnswerAsProxyNext(ForgeMethod.UpdateLog, 1, status, contentType, body);

        var error = await Assert.ThrowsAsync<ConnectException>(() =>
            harness.Client.UpdateLogAsync(new UpdateLogRequest { TaskId = 1 }, CancellationToken.None));

        Assert.Equal(ConnectCode.Unavailable, error.Code);
        Assert.Equal(status, error.HttpStatus);
        Assert.True(ForgeErrors.IsTransient(error));
    }

    [Fact]
    public async Task Calls_AnswerDropped_AreTransientUnavailable()
    {
        await using var harness = await ForgeHarness.StartAsync();
        harness.Forge.Faults.DropResponseNext(ForgeMethod.Declare, 1);

        var error = await Assert.ThrowsAsync<ConnectException>(() =>
            harness.Client.DeclareAsync(new DeclareRequest(), CancellationToken.None));

        Assert.Equal(ConnectCode.Unavailable, error.Code);
        Assert.True(ForgeErrors.IsTransient(error));
    }

    [Theory]
    [InlineData("unavailable", true)]
    [InlineData("deadline_exceeded", true)]
    [InlineData("resource_exhausted", true)]
    [InlineData("aborted", true)]
    [InlineData("internal", true)]
    [InlineData("unknown", true)]
    [InlineData("unauthenticated", false)]
    [InlineData("invalid_argument", false)]
    [InlineData("permission_denied", false)]
    [InlineData("unimplemented", false)]
    [InlineData("already_exists", false)]
    [InlineData("not_found", false)]
    [InlineData("failed_precondition", false)]
    public void IsTransient_ClassifiesEveryCode(string code, bool transient)
    {
        Assert.True(ConnectCodes.TryParse(code, out var parsed));
        Assert.Equal(transient, ForgeErrors.IsTransient(new ConnectException("p", parsed, "m")));
    }

    [Fact]
    public void Handler_TakesProxiesFromTheEnvironmentAndInflatesGzip()
    {
        using var handler = ForgeHttp.CreateHandler(insecure: false);

        Assert.True(handler.UseProxy);
        Assert.Null(handler.Proxy); // null means HttpClient.DefaultProxy: HTTP(S)_PROXY and NO_PROXY.
        Assert.Equal(System.Net.DecompressionMethods.GZip, handler.AutomaticDecompression);
        Assert.Null(handler.SslOptions.RemoteCertificateValidationCallback);
    }

    [Theory]
    [InlineData("https://codeberg.org", 30)]
    [InlineData("https://ci.codeberg.org/", 30)]
    [InlineData("https://forge.example", 2)]
    public void TuneFetchInterval_PublicInstancesGetAtLeast30Seconds(string instance, int seconds)
    {
        Assert.Equal(TimeSpan.FromSeconds(seconds), ForgeAddress.TuneFetchInterval(new Uri(instance), TimeSpan.FromSeconds(2)));
    }

    [Theory]
    [InlineData("https://forge.example", "https://forge.example/api/actions")]
    [InlineData("https://forge.example/", "https://forge.example/api/actions")]
    [InlineData("http://10.0.0.1:3000/forgejo/", "http://10.0.0.1:3000/forgejo/api/actions")]
    public void ConnectBase_InstanceWithOrWithoutSlashOrSubPath(string instance, string expected)
    {
        Assert.Equal(expected, ForgeAddress.ConnectBase(new Uri(instance)));
    }
}
