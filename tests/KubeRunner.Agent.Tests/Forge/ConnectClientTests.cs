using System.Net;
using System.Net.Http.Headers;
using System.Text;
using Google.Protobuf;
using KubeRunner.Agent.Forge.Connect;
using KubeRunner.Protocol.Ping.V1;

namespace KubeRunner.Agent.Tests.Forge;

public sealed class ConnectClientTests
{
    private static readonly ProductInfoHeaderValue Agent = new("kube-runner", "1.2.3");

    public static TheoryData<string, string, int, string> RecordedErrors => new()
    {
        { "forgejo-unregistered-runner.txt", "unauthenticated", 401, "unregistered runner" },
        { "forgejo-registration-token-not-found.txt", "invalid_argument", 400, "runner registration token not found" },
        { "forgejo-registration-token-invalidated.txt", "invalid_argument", 400, "has been invalidated" },
        { "forgejo-declare-unimplemented.txt", "unimplemented", 501, "is not implemented" },
        { "forgejo-log-archived.txt", "already_exists", 409, "log file has been archived" },
        { "forgejo-request-key-locked.txt", "internal", 500, "request key is currently locked" },
        { "connect-unavailable-with-details.txt", "unavailable", 503, "database is locked" },
        { "connect-permission-denied.txt", "permission_denied", 403, "runner is disabled" },
        // No Connect code in the body, or not JSON at all: the code comes from the HTTP status.
        { "json-without-code.txt", "unimplemented", 404, "Not Found" },
        { "nginx-502.txt", "unavailable", 502, "HTTP 502" },
        { "haproxy-503.txt", "unavailable", 503, "No server is available" },
        { "traefik-404.txt", "unimplemented", 404, "404 page not found" },
        { "nginx-413.txt", "unknown", 413, "413 Request Entity Too Large" },
        { "gateway-timeout-504.txt", "unavailable", 504, "HTTP 504" },
        { "rate-limited-429.txt", "unavailable", 429, "rate limit exceeded" },
    };

    [Theory]
    [MemberData(nameof(RecordedErrors))]
    public async Task UnaryAsync_RecordedErrorBody_DecodesCodeStatusAndMessage(string file, string code, int status, string messagePart)
    {
        var (recordedStatus, contentType, body) = ReadRecorded(file);
        var client = Client(StubHandler.Answering((HttpStatusCode)recordedStatus, contentType, body));

        var error = await Assert.ThrowsAsync<ConnectException>(() => Ping(client));

        Assert.Equal(code, ConnectCodes.ToName(error.Code));
        Assert.Equal(status, error.HttpStatus);
        Assert.Contains(messagePart, error.Message, StringComparison.Ordinal);
        Assert.DoesNotContain('\n', error.Message);
        Assert.Equal("ping.v1.PingService/Ping", error.Procedure);
    }

    [Fact]
    public async Task UnaryAsync_Success_SendsConnectUnaryRequestAndParsesAnswer()
    {
        var handler = StubHandler.Answering(HttpStatusCode.OK, "application/proto", new PingResponse { Data = "Hello, x!" }.ToByteArray());
        var client = Client(handler, "https://forge.example/sub/api/actions/");

        var response = await client.UnaryAsync("ping.v1.PingService/Ping", new PingRequest { Data = "x" }, PingResponse.Parser,
            [new("x-runner-uuid", "u-1"), new("x-runner-token", "")], TimeSpan.FromSeconds(5), CancellationToken.None);

        Assert.Equal("Hello, x!", response.Data);
        var request = Assert.Single(handler.Requests);
        Assert.Equal(HttpMethod.Post, request.Method);
        Assert.Equal("https://forge.example/sub/api/actions/ping.v1.PingService/Ping", request.RequestUri!.ToString());
        Assert.Equal("application/proto", request.Content!.Headers.ContentType!.MediaType);
        Assert.Equal("1", request.Headers.GetValues("Connect-Protocol-Version").Single());
        Assert.Equal("5000", request.Headers.GetValues("Connect-Timeout-Ms").Single());
        Assert.Equal("u-1", request.Headers.GetValues("x-runner-uuid").Single());
        Assert.False(request.Headers.Contains("x-runner-token"), "empty headers are not sent");
        Assert.Equal("kube-runner/1.2.3", request.Headers.UserAgent.ToString());
        Assert.Equal(HttpVersion.Version20, request.Version);
        Assert.Equal(HttpVersionPolicy.RequestVersionOrLower, request.VersionPolicy);
        Assert.Equal("x", PingRequest.Parser.ParseFrom(handler.Bodies[0]).Data);
    }

    [Fact]
    public async Task UnaryAsync_NoDeadline_SendsNoTimeoutHeader()
    {
        var handler = StubHandler.Answering(HttpStatusCode.OK, "application/proto", []);
        await Ping(Client(handler));

        Assert.False(handler.Requests[0].Headers.Contains("Connect-Timeout-Ms"));
    }

    [Fact]
    public async Task UnaryAsync_SuccessWithWrongContentType_IsAnError()
    {
        var client = Client(StubHandler.Answering(HttpStatusCode.OK, "text/html", Encoding.UTF8.GetBytes("<html>login</html>")));

        var error = await Assert.ThrowsAsync<ConnectException>(() => Ping(client));

        Assert.Equal(ConnectCode.Internal, error.Code);
        Assert.Contains("is the instance URL a Forgejo server", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task UnaryAsync_GarbageProtobuf_IsAnInternalError()
    {
        var client = Client(StubHandler.Answering(HttpStatusCode.OK, "application/proto", [0xff, 0xff, 0xff]));

        var error = await Assert.ThrowsAsync<ConnectException>(() => Ping(client));

        Assert.Equal(ConnectCode.Internal, error.Code);
    }

    [Fact]
    public async Task UnaryAsync_NoAnswerWithinDeadline_IsDeadlineExceeded()
    {
        var handler = new StubHandler(_ => throw new InvalidOperationException("not reached"));
        using var slow = new HttpClient(new DelayingHandler(TimeSpan.FromSeconds(30)));
        var client = new ConnectClient(slow, "http://127.0.0.1:1/api/actions", TimeSpan.FromSeconds(60), Agent);

        var error = await Assert.ThrowsAsync<ConnectException>(() => client.UnaryAsync("ping.v1.PingService/Ping",
            new PingRequest(), PingResponse.Parser, [], TimeSpan.FromMilliseconds(100), CancellationToken.None));

        Assert.Equal(ConnectCode.DeadlineExceeded, error.Code);
        Assert.Empty(handler.Requests);
    }

    [Fact]
    public async Task UnaryAsync_InfiniteClientTimeout_CallDeadlineStillApplies()
    {
        using var slow = new HttpClient(new DelayingHandler(TimeSpan.FromSeconds(30)));
        var client = new ConnectClient(slow, "http://127.0.0.1:1/api/actions", Timeout.InfiniteTimeSpan, Agent);

        var error = await Assert.ThrowsAsync<ConnectException>(() => client.UnaryAsync("ping.v1.PingService/Ping",
            new PingRequest(), PingResponse.Parser, [], TimeSpan.FromMilliseconds(100), CancellationToken.None));

        Assert.Equal(ConnectCode.DeadlineExceeded, error.Code);
    }

    [Fact]
    public async Task UnaryAsync_CallerCancels_ThrowsOperationCanceled()
    {
        using var slow = new HttpClient(new DelayingHandler(TimeSpan.FromSeconds(30)));
        var client = new ConnectClient(slow, "http://127.0.0.1:1/api/actions", TimeSpan.FromSeconds(60), Agent);
        using var cancel = new CancellationTokenSource(TimeSpan.FromMilliseconds(50));

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => client.UnaryAsync("ping.v1.PingService/Ping",
            new PingRequest(), PingResponse.Parser, [], null, cancel.Token));
    }

    [Fact]
    public async Task UnaryAsync_ConnectionRefused_IsUnavailableWithReason()
    {
        using var http = new HttpClient();
        // Port 1 on loopback: nothing listens there.
        var client = new ConnectClient(http, "http://127.0.0.1:1/api/actions", TimeSpan.FromSeconds(10), Agent);

        var error = await Assert.ThrowsAsync<ConnectException>(() => Ping(client));

        Assert.Equal(ConnectCode.Unavailable, error.Code);
        Assert.Null(error.HttpStatus);
        Assert.Contains("cannot reach http://127.0.0.1:1/api/actions", error.Message, StringComparison.Ordinal);
    }

    private static ConnectClient Client(StubHandler handler, string baseUrl = "http://forge.test/api/actions") =>
        new(new HttpClient(handler), baseUrl, TimeSpan.FromSeconds(60), Agent);

    private static Task<PingResponse> Ping(ConnectClient client) =>
        client.UnaryAsync("ping.v1.PingService/Ping", new PingRequest { Data = "x" }, PingResponse.Parser, [], null, CancellationToken.None);

    private static (int Status, string ContentType, byte[] Body) ReadRecorded(string file)
    {
        var text = File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "Forge", "RecordedErrors", file));
        var newline = text.IndexOf('\n', StringComparison.Ordinal);
        var head = text[..newline].Split(' ');
        return (int.Parse(head[0], System.Globalization.CultureInfo.InvariantCulture), head[1], Encoding.UTF8.GetBytes(text[(newline + 1)..]));
    }

    private sealed class DelayingHandler(TimeSpan delay) : HttpMessageHandler
    {
        protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            await Task.Delay(delay, cancellationToken);
            return new HttpResponseMessage(HttpStatusCode.OK);
        }
    }
}
