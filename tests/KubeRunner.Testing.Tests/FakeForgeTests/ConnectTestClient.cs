using System.IO.Compression;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using Google.Protobuf;
using KubeRunner.Testing.FakeForge;

namespace KubeRunner.Testing.Tests.FakeForgeTests;

/// <summary>A raw Connect unary client, as connect-go's generated client sends (forgejo-protocol.md §1.2).</summary>
internal sealed class ConnectTestClient : IDisposable
{
    public const string Ping = "ping.v1.PingService/Ping";
    public const string Register = "runner.v1.RunnerService/Register";
    public const string Declare = "runner.v1.RunnerService/Declare";
    public const string FetchTask = "runner.v1.RunnerService/FetchTask";
    public const string UpdateTask = "runner.v1.RunnerService/UpdateTask";
    public const string UpdateLog = "runner.v1.RunnerService/UpdateLog";

    private readonly HttpClient _http;

    public ConnectTestClient(Forge forge, Version? httpVersion = null)
    {
        _http = new HttpClient(forge.CreateHttpHandler())
        {
            BaseAddress = forge.Url,
            Timeout = TimeSpan.FromSeconds(10),
            DefaultRequestVersion = httpVersion ?? new Version(1, 1),
        };
    }

    public string? Uuid { get; set; }

    public string? Token { get; set; }

    public bool UseJson { get; set; }

    public void SignInAs(FakeRunner runner)
    {
        Uuid = runner.Uuid;
        Token = runner.Token;
    }

    public async Task<ConnectReply<TResponse>> CallAsync<TResponse>(
        string procedure, IMessage request, string? requestKey = null, Action<HttpRequestMessage>? customize = null,
        CancellationToken cancellationToken = default)
        where TResponse : IMessage<TResponse>, new()
    {
        var body = UseJson ? Encoding.UTF8.GetBytes(JsonFormatter.Default.Format(request)) : request.ToByteArray();
        using var message = new HttpRequestMessage(HttpMethod.Post, "api/actions/" + procedure)
        {
            Content = new ByteArrayContent(body),
            Version = _http.DefaultRequestVersion,
        };
        message.Content.Headers.ContentType = new MediaTypeHeaderValue(UseJson ? "application/json" : "application/proto");
        message.Headers.Add("Connect-Protocol-Version", "1");
        message.Headers.Add("Accept-Encoding", "gzip");
        message.Headers.UserAgent.ParseAdd("kube-runner-tests/1.0");
        AddIfPresent(message, "x-runner-uuid", Uuid);
        AddIfPresent(message, "x-runner-token", Token);
        AddIfPresent(message, "x-runner-request-key", requestKey);
        customize?.Invoke(message);

        using var response = await _http.SendAsync(message, cancellationToken);
        var bytes = await response.Content.ReadAsByteArrayAsync(cancellationToken);
        var encoding = response.Content.Headers.ContentEncoding.FirstOrDefault();
        var decoded = encoding == "gzip" ? Gunzip(bytes) : bytes;
        var contentType = response.Content.Headers.ContentType?.MediaType;
        var reply = new ConnectReply<TResponse>
        {
            StatusCode = (int)response.StatusCode,
            ContentType = contentType,
            ContentEncoding = encoding,
            HttpVersion = response.Version,
            Body = decoded,
        };
        if (response.IsSuccessStatusCode)
        {
            var parser = new MessageParser<TResponse>(() => new TResponse());
            return reply with
            {
                Message = contentType == "application/json"
                    ? JsonParser.Default.Parse<TResponse>(Encoding.UTF8.GetString(decoded))
                    : parser.ParseFrom(decoded),
            };
        }

        if (contentType == "application/json")
        {
            using var error = JsonDocument.Parse(decoded);
            return reply with
            {
                ErrorCode = error.RootElement.GetProperty("code").GetString(),
                ErrorMessage = error.RootElement.GetProperty("message").GetString(),
            };
        }

        return reply;
    }

    public async Task<TResponse> OkAsync<TResponse>(string procedure, IMessage request, string? requestKey = null)
        where TResponse : IMessage<TResponse>, new()
    {
        var reply = await CallAsync<TResponse>(procedure, request, requestKey);
        Assert.True(reply.StatusCode == 200, $"{procedure} answered {reply.StatusCode} {reply.ErrorCode}: {reply.ErrorMessage}");
        return reply.Message!;
    }

    public void Dispose() => _http.Dispose();

    public static byte[] Gunzip(byte[] bytes)
    {
        using var input = new GZipStream(new MemoryStream(bytes), CompressionMode.Decompress);
        using var output = new MemoryStream();
        input.CopyTo(output);
        return output.ToArray();
    }

    private static void AddIfPresent(HttpRequestMessage message, string name, string? value)
    {
        if (value is not null)
        {
            message.Headers.Add(name, value);
        }
    }
}

internal sealed record ConnectReply<TResponse>
{
    public required int StatusCode { get; init; }

    public string? ContentType { get; init; }

    public string? ContentEncoding { get; init; }

    public required Version HttpVersion { get; init; }

    /// <summary>The body after gzip decoding.</summary>
    public required byte[] Body { get; init; }

    public TResponse? Message { get; init; }

    public string? ErrorCode { get; init; }

    public string? ErrorMessage { get; init; }
}
