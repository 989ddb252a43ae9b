using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Security.Authentication;
using System.Text.Json;
using Google.Protobuf;

namespace KubeRunner.Agent.Forge.Connect;

/// <summary>
/// A minimal Connect protocol client for unary calls with the binary protobuf codec: exactly what
/// Forgejo's runner API needs (forgejo-protocol.md §1). There is no Connect library for .NET.
/// </summary>
internal sealed class ConnectClient
{
    private const string ProtoContentType = "application/proto";
    private static readonly MediaTypeHeaderValue ProtoMediaType = new(ProtoContentType);

    private readonly HttpClient _http;
    private readonly string _baseUrl;
    private readonly TimeSpan _requestTimeout;
    private readonly ProductInfoHeaderValue _userAgent;

    /// <param name="http">A client whose handler decompresses gzip (see <see cref="ForgeHttp"/>).</param>
    /// <param name="baseUrl">The Connect base, e.g. <c>https://forge.example/api/actions</c>.</param>
    /// <param name="requestTimeout">Upper bound of every call, whatever its own deadline; may be infinite.</param>
    /// <param name="userAgent">The product token sent as User-Agent.</param>
    public ConnectClient(HttpClient http, string baseUrl, TimeSpan requestTimeout, ProductInfoHeaderValue userAgent)
    {
        _http = http;
        _baseUrl = baseUrl.TrimEnd('/');
        _requestTimeout = requestTimeout;
        _userAgent = userAgent;
    }

    /// <summary>Calls <paramref name="procedure"/> (<c>package.Service/Method</c>).</summary>
    /// <param name="deadline">
    /// When set, the call is abandoned after it and the server is told through Connect-Timeout-Ms.
    /// </param>
    /// <exception cref="ConnectException">The server answered with an error, or no answer arrived.</exception>
    public async Task<TResponse> UnaryAsync<TResponse>(
        string procedure,
        IMessage request,
        MessageParser<TResponse> responseParser,
        IReadOnlyList<KeyValuePair<string, string>> headers,
        TimeSpan? deadline,
        CancellationToken cancellationToken)
        where TResponse : IMessage<TResponse>
    {
        // The client-wide timeout may be infinite (FORGEJO_CLIENT_TIMEOUT=0); a call's deadline still applies.
        var limit = deadline is { } d && (d < _requestTimeout || _requestTimeout == Timeout.InfiniteTimeSpan) ? d : _requestTimeout;
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(limit);

        using var httpRequest = CreateRequest(procedure, request, headers, deadline);
        try
        {
            using var response = await _http.SendAsync(httpRequest, HttpCompletionOption.ResponseContentRead, timeout.Token);
            var body = await response.Content.ReadAsByteArrayAsync(timeout.Token);
            if (response.StatusCode != HttpStatusCode.OK)
            {
                throw DecodeError(procedure, response, body);
            }

            if (response.Content.Headers.ContentType?.MediaType is not ProtoContentType)
            {
                throw new ConnectException(procedure, ConnectCode.Internal,
                    $"the server answered with content type '{response.Content.Headers.ContentType}' instead of {ProtoContentType}; is the instance URL a Forgejo server?",
                    (int)response.StatusCode);
            }

            try
            {
                return responseParser.ParseFrom(body);
            }
            catch (InvalidProtocolBufferException e)
            {
                throw new ConnectException(procedure, ConnectCode.Internal, $"the server's answer is not a valid message: {e.Message}", 200, e);
            }
        }
        catch (OperationCanceledException e) when (!cancellationToken.IsCancellationRequested)
        {
            throw new ConnectException(procedure, ConnectCode.DeadlineExceeded,
                $"no answer from {_baseUrl} within {limit.TotalSeconds:0.###}s", innerException: e);
        }
        catch (HttpRequestException e)
        {
            throw new ConnectException(procedure, ConnectCode.Unavailable, $"cannot reach {_baseUrl}: {Describe(e)}", innerException: e);
        }
        catch (IOException e)
        {
            throw new ConnectException(procedure, ConnectCode.Unavailable, $"connection to {_baseUrl} failed: {e.Message}", innerException: e);
        }
    }

    private HttpRequestMessage CreateRequest(string procedure, IMessage request, IReadOnlyList<KeyValuePair<string, string>> headers, TimeSpan? deadline)
    {
        var content = new ByteArrayContent(request.ToByteArray());
        content.Headers.ContentType = ProtoMediaType;
        var message = new HttpRequestMessage(HttpMethod.Post, $"{_baseUrl}/{procedure}")
        {
            Content = content,
            // HTTP/2 where TLS negotiates it (ALPN), HTTP/1.1 otherwise: the server must support 1.1.
            Version = HttpVersion.Version20,
            VersionPolicy = HttpVersionPolicy.RequestVersionOrLower,
        };
        message.Headers.UserAgent.Add(_userAgent);
        message.Headers.Add("Connect-Protocol-Version", "1");
        if (deadline is { } d)
        {
            // Connect sends the remaining milliseconds, and omits the header when it would need more than 10 digits.
            var ms = Math.Max(1, (long)Math.Ceiling(d.TotalMilliseconds));
            if (ms < 10_000_000_000)
            {
                message.Headers.Add("Connect-Timeout-Ms", ms.ToString(CultureInfo.InvariantCulture));
            }
        }

        foreach (var (name, value) in headers)
        {
            if (!string.IsNullOrEmpty(value))
            {
                message.Headers.TryAddWithoutValidation(name, value);
            }
        }

        return message;
    }

    private static ConnectException DecodeError(string procedure, HttpResponseMessage response, byte[] body)
    {
        var status = (int)response.StatusCode;
        if (response.Content.Headers.ContentType?.MediaType == "application/json" && TryReadConnectError(body, out var code, out var message))
        {
            return new ConnectException(procedure, code ?? ConnectCodes.FromHttpStatus(status),
                string.IsNullOrEmpty(message) ? $"HTTP {status} {response.ReasonPhrase}" : message, status);
        }

        // Not a Connect error: a reverse proxy, a load balancer or a wrong URL answered.
        return new ConnectException(procedure, ConnectCodes.FromHttpStatus(status),
            $"HTTP {status} {response.ReasonPhrase} from {response.RequestMessage?.RequestUri?.GetLeftPart(UriPartial.Authority)}, not a Forgejo answer{Excerpt(body)}",
            status);
    }

    private static bool TryReadConnectError(byte[] body, out ConnectCode? code, out string? message)
    {
        code = null;
        message = null;
        try
        {
            using var document = JsonDocument.Parse(body);
            if (document.RootElement.ValueKind != JsonValueKind.Object)
            {
                return false;
            }

            if (document.RootElement.TryGetProperty("code", out var codeElement) && codeElement.ValueKind == JsonValueKind.String
                && ConnectCodes.TryParse(codeElement.GetString(), out var parsed))
            {
                code = parsed;
            }

            if (document.RootElement.TryGetProperty("message", out var messageElement) && messageElement.ValueKind == JsonValueKind.String)
            {
                message = messageElement.GetString();
            }

            return true;
        }
        catch (JsonException)
        {
            return false;
        }
    }

    private static string Excerpt(byte[] body)
    {
        if (body.Length == 0)
        {
            return string.Empty;
        }

        var text = System.Text.Encoding.UTF8.GetString(body, 0, Math.Min(body.Length, 200));
        var oneLine = string.Join(' ', text.Split((char[])['\r', '\n', '\t'], StringSplitOptions.RemoveEmptyEntries)).Trim();
        return oneLine.Length == 0 ? string.Empty : $": {oneLine}";
    }

    /// <summary>The innermost useful reason of a transport failure, for an operator to act on.</summary>
    private static string Describe(HttpRequestException e)
    {
        for (Exception? inner = e; inner is not null; inner = inner.InnerException)
        {
            if (inner is AuthenticationException)
            {
                return $"TLS failed ({inner.Message}); if the instance uses a certificate this machine does not trust, install its CA or set runner.insecure: true";
            }
        }

        var reason = e.InnerException?.Message ?? e.Message;
        return e.HttpRequestError switch
        {
            HttpRequestError.NameResolutionError => $"the host name does not resolve ({reason})",
            HttpRequestError.ConnectionError => $"connection refused or unreachable ({reason})",
            _ => reason,
        };
    }
}
