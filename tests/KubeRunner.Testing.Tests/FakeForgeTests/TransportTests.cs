using System.IO.Compression;
using System.Net;
using System.Net.Http.Headers;
using System.Text;
using Google.Protobuf;
using KubeRunner.Protocol.Ping.V1;
using KubeRunner.Protocol.Runner.V1;
using KubeRunner.Testing.FakeForge;
using static KubeRunner.Testing.Tests.FakeForgeTests.PingAndRegisterTests;

namespace KubeRunner.Testing.Tests.FakeForgeTests;

public sealed class TransportTests : ForgeTestBase
{
    [Fact]
    public async Task FetchTask_JsonCodec_AnswersCanonicalJson()
    {
        var (_, client) = NewRunner(["docker"]);
        client.UseJson = true;

        var reply = await client.CallAsync<FetchTaskResponse>(ConnectTestClient.FetchTask, new FetchTaskRequest { TasksVersion = 7 });

        Assert.Equal("application/json", reply.ContentType);
        Assert.Equal("""{ "tasksVersion": "1" }""", Encoding.UTF8.GetString(reply.Body));
    }

    [Fact]
    public async Task Register_JsonCodecError_AnswersConnectJsonError()
    {
        Anonymous.UseJson = true;

        var reply = await Anonymous.CallAsync<RegisterResponse>(ConnectTestClient.Register, new RegisterRequest { Name = "x", Token = "unknown" });

        AssertError(reply, 400, ConnectCode.InvalidArgument, "runner registration token not found");
    }

    [Fact]
    public async Task FetchTask_LargeAnswerAndGzipOffered_AnswerIsGzipped()
    {
        var (_, client) = NewRunner(["docker"]);
        Forge.EnqueueJob(new FakeJob
        {
            WorkflowYaml = ThreeStepWorkflow,
            RunsOn = ["docker"],
            Secrets = new Dictionary<string, string> { ["BIG"] = new string('s', 4000) },
        });

        var reply = await client.CallAsync<FetchTaskResponse>(ConnectTestClient.FetchTask, new FetchTaskRequest());

        Assert.Equal("gzip", reply.ContentEncoding);
        Assert.Equal(new string('s', 4000), reply.Message!.Task.Secrets["BIG"]);
    }

    [Fact]
    public async Task FetchTask_LargeAnswerWithoutGzipOffer_AnswerIsPlain()
    {
        var (_, client) = NewRunner(["docker"]);
        Enqueue("docker");

        var reply = await client.CallAsync<FetchTaskResponse>(ConnectTestClient.FetchTask, new FetchTaskRequest(),
            customize: m => m.Headers.AcceptEncoding.Clear());

        Assert.Null(reply.ContentEncoding);
        Assert.True(reply.Body.Length >= 1024);
        Assert.NotNull(reply.Message!.Task);
    }

    [Fact]
    public async Task FetchTask_SmallAnswer_IsNotCompressed()
    {
        var (_, client) = NewRunner(["docker"]);

        var reply = await client.CallAsync<FetchTaskResponse>(ConnectTestClient.FetchTask, new FetchTaskRequest());

        Assert.Null(reply.ContentEncoding);
    }

    [Fact]
    public async Task Ping_GzipCompressedRequest_IsAccepted()
    {
        var compressed = new MemoryStream();
        using (var gzip = new GZipStream(compressed, CompressionMode.Compress, leaveOpen: true))
        {
            gzip.Write(new PingRequest { Data = "zipped" }.ToByteArray());
        }

        var reply = await Anonymous.CallAsync<PingResponse>(ConnectTestClient.Ping, new PingRequest(), customize: m =>
        {
            m.Content = new ByteArrayContent(compressed.ToArray());
            m.Content.Headers.ContentType = new MediaTypeHeaderValue("application/proto");
            m.Content.Headers.ContentEncoding.Add("gzip");
        });

        Assert.Equal("Hello, zipped!", reply.Message!.Data);
    }

    [Theory]
    [InlineData("runner.v1.RunnerService/FetchSingleTask")]
    [InlineData("runner.v1.RunnerService/UpdateJobSummary")]
    [InlineData("other.v1.Service/Call")]
    public async Task UnknownProcedure_Post_NotFound(string procedure)
    {
        var reply = await Anonymous.CallAsync<PingResponse>(procedure, new PingRequest());

        Assert.Equal(404, reply.StatusCode);
        Assert.Null(reply.ErrorCode);
    }

    [Fact]
    public async Task Ping_GetRequest_MethodNotAllowed()
    {
        using var http = new HttpClient(Forge.CreateHttpHandler());

        using var response = await http.GetAsync(new Uri(Forge.Url, "api/actions/ping.v1.PingService/Ping"));

        Assert.Equal(HttpStatusCode.MethodNotAllowed, response.StatusCode);
    }

    [Fact]
    public async Task Ping_UnsupportedContentType_UnsupportedMediaType()
    {
        var reply = await Anonymous.CallAsync<PingResponse>(ConnectTestClient.Ping, new PingRequest(),
            customize: m => m.Content!.Headers.ContentType = new MediaTypeHeaderValue("text/plain"));

        Assert.Equal(415, reply.StatusCode);
    }

    [Fact]
    public async Task Ping_WrongConnectProtocolVersion_InvalidArgument()
    {
        var reply = await Anonymous.CallAsync<PingResponse>(ConnectTestClient.Ping, new PingRequest(), customize: m =>
        {
            m.Headers.Remove("Connect-Protocol-Version");
            m.Headers.Add("Connect-Protocol-Version", "2");
        });

        Assert.Equal((400, ConnectCode.InvalidArgument), (reply.StatusCode, reply.ErrorCode));
    }

    [Fact]
    public async Task Ping_MalformedBody_InvalidArgument()
    {
        var reply = await Anonymous.CallAsync<PingResponse>(ConnectTestClient.Ping, new PingRequest(),
            customize: m =>
            {
                m.Content = new ByteArrayContent([0x0a, 0xff]);
                m.Content.Headers.ContentType = new MediaTypeHeaderValue("application/proto");
            });

        Assert.Equal((400, ConnectCode.InvalidArgument), (reply.StatusCode, reply.ErrorCode));
    }

    [Fact]
    public async Task StartAsync_BasePath_ServesUnderTheSubPathOnly()
    {
        await using var forge = await Forge.StartAsync(new FakeForgeOptions { BasePath = "/forgejo" });
        using var client = new ConnectTestClient(forge);
        using var http = new HttpClient();

        var reply = await client.OkAsync<PingResponse>(ConnectTestClient.Ping, new PingRequest { Data = "sub" });
        using var outside = await http.PostAsync(
            new Uri(forge.Url, "/api/actions/ping.v1.PingService/Ping"), new ByteArrayContent([]) { Headers = { ContentType = new("application/proto") } });

        Assert.EndsWith("/forgejo/", forge.Url.AbsoluteUri, StringComparison.Ordinal);
        Assert.Equal("Hello, sub!", reply.Data);
        Assert.Equal(HttpStatusCode.NotFound, outside.StatusCode);
    }

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    public async Task StartAsync_Tls_ServesHttpVersionNegotiatedByAlpn(int major)
    {
        await using var forge = await Forge.StartAsync(new FakeForgeOptions { UseTls = true });
        using var client = new ConnectTestClient(forge, new Version(major, major == 1 ? 1 : 0));

        var reply = await client.CallAsync<PingResponse>(ConnectTestClient.Ping, new PingRequest { Data = "tls" });

        Assert.Equal("https", forge.Url.Scheme);
        Assert.NotNull(forge.Certificate);
        Assert.Equal(major, reply.HttpVersion.Major);
        Assert.Equal("Hello, tls!", reply.Message!.Data);
        Assert.Equal(major == 1 ? "HTTP/1.1" : "HTTP/2", Assert.Single(forge.Journal.Requests).HttpVersion);
    }

    [Fact]
    public async Task Journal_Request_RecordsConnectHeadersAndCounts()
    {
        var (runner, client) = NewRunner(["docker"]);

        await client.CallAsync<FetchTaskResponse>(ConnectTestClient.FetchTask, new FetchTaskRequest(), "key-9",
            customize: m => m.Headers.Add("Connect-Timeout-Ms", "5000"));
        await Anonymous.CallAsync<PingResponse>(ConnectTestClient.Ping, new PingRequest());

        var fetch = Assert.Single(Forge.Journal.Requests, r => r.Method == ForgeMethod.FetchTask);
        Assert.Equal(("POST", "HTTP/1.1", "kube-runner-tests/1.0", "1", "5000"),
            (fetch.HttpMethod, fetch.HttpVersion, fetch.UserAgent, fetch.ConnectProtocolVersion, fetch.ConnectTimeoutMs));
        Assert.Equal(("application/proto", "key-9", runner.Uuid, 200), (fetch.ContentType, fetch.RequestKey, fetch.RunnerUuid, fetch.StatusCode));
        Assert.Equal("runner.v1.RunnerService/FetchTask", fetch.Procedure);
        Assert.Equal(1, Forge.Journal.Count(ForgeMethod.FetchTask));
        Assert.Equal(1, Forge.Journal.Count(ForgeMethod.Ping));
        Assert.Equal(0, Forge.Journal.Count(ForgeMethod.UpdateLog));
    }
}
