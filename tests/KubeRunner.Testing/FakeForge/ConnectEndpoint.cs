using System.IO.Compression;
using System.Text;
using System.Text.Json;
using Google.Protobuf;
using Google.Protobuf.Reflection;
using KubeRunner.Protocol.Ping.V1;
using KubeRunner.Protocol.Runner.V1;
using Microsoft.AspNetCore.Http;
using Task = System.Threading.Tasks.Task;

namespace KubeRunner.Testing.FakeForge;

/// <summary>
/// The Connect unary transport of §1: POST only, binary or JSON codec answered in kind, gzip requests,
/// gzip responses from 1 KiB (never for Ping, §1.4), and errors as Connect JSON with the status of §1.5.
/// </summary>
internal sealed class ConnectEndpoint(
    string prefix, RunnerServiceHandler service, ForgeFaults faults, RequestJournal journal, TimeProvider time, CancellationToken shutdown)
{
    private const int CompressMinBytes = 1024;
    private const string ProtoContentType = "application/proto";
    private const string JsonContentType = "application/json";

    private static readonly JsonParser Json = new(JsonParser.Settings.Default.WithIgnoreUnknownFields(true));

    private static readonly Dictionary<ForgeMethod, MessageDescriptor> RequestTypes = new()
    {
        [ForgeMethod.Ping] = PingRequest.Descriptor,
        [ForgeMethod.Register] = RegisterRequest.Descriptor,
        [ForgeMethod.Declare] = DeclareRequest.Descriptor,
        [ForgeMethod.FetchTask] = FetchTaskRequest.Descriptor,
        [ForgeMethod.UpdateTask] = UpdateTaskRequest.Descriptor,
        [ForgeMethod.UpdateLog] = UpdateLogRequest.Descriptor,
    };

    /// <summary>Where the decoded request waits for the journal.</summary>
    private const string RequestItem = "fake-forge-request";

    public async Task HandleAsync(HttpContext context)
    {
        var arrival = time.GetUtcNow();
        var path = context.Request.Path.Value ?? "";
        var procedure = path.StartsWith(prefix, StringComparison.Ordinal) ? path[prefix.Length..] : path;
        ForgeMethod? method = path.StartsWith(prefix, StringComparison.Ordinal) && ForgeProcedures.TryFind(procedure, out var m) ? m : null;
        if (method is { } known)
        {
            journal.Arrived(known);
        }

        string? errorCode = null;
        var dropped = false;
        try
        {
            (errorCode, dropped) = await DispatchAsync(context, method);
        }
        finally
        {
            var headers = context.Request.Headers;
            journal.Add(new ForgeRequest
            {
                Time = arrival,
                Procedure = procedure,
                Method = method,
                HttpMethod = context.Request.Method,
                HttpVersion = context.Request.Protocol,
                UserAgent = Header(headers, "User-Agent"),
                ConnectProtocolVersion = Header(headers, "Connect-Protocol-Version"),
                ConnectTimeoutMs = Header(headers, "Connect-Timeout-Ms"),
                ContentType = Header(headers, "Content-Type"),
                ContentEncoding = Header(headers, "Content-Encoding"),
                AcceptEncoding = Header(headers, "Accept-Encoding"),
                RequestKey = Header(headers, "x-runner-request-key"),
                RunnerUuid = Header(headers, "x-runner-uuid"),
                StatusCode = dropped ? 0 : context.Response.StatusCode,
                ErrorCode = errorCode,
                ResponseDropped = dropped,
                Message = context.Items.TryGetValue(RequestItem, out var message) ? message as IMessage : null,
            });
        }
    }

    private async Task<(string? ErrorCode, bool Dropped)> DispatchAsync(HttpContext context, ForgeMethod? method)
    {
        if (method is not { } known)
        {
            // Go's http.NotFound, as the Connect mux answers an unknown procedure.
            await WriteAsync(context, 404, "text/plain; charset=utf-8", "404 page not found\n");
            return (null, false);
        }

        if (!HttpMethods.IsPost(context.Request.Method))
        {
            // §1.1: Forgejo mounts POST only.
            context.Response.Headers.Allow = "POST";
            await WriteAsync(context, 405, "text/plain; charset=utf-8", "method not allowed\n");
            return (null, false);
        }

        if (faults.BeforeProcessing(known) is { } injected)
        {
            await WriteAsync(context, injected.HttpStatus, injected.ContentType, injected.Body);
            return (injected.ContentType == JsonContentType ? ErrorCodeOf(injected.Body) : null, false);
        }

        var contentType = MediaType(context.Request.ContentType);
        if (contentType is not (ProtoContentType or JsonContentType))
        {
            context.Response.Headers["Accept-Post"] = "application/json, application/proto";
            await WriteAsync(context, 415, "text/plain; charset=utf-8", "unsupported media type\n");
            return (null, false);
        }

        IMessage? response = null;
        ConnectErrorException? error = null;
        try
        {
            if (known == ForgeMethod.Declare && faults.DeclareUnimplemented)
            {
                throw new ConnectErrorException(ConnectCode.Unimplemented, ForgeProcedures.QualifiedName(known) + " is not implemented");
            }

            var request = await ReadRequestAsync(context.Request, RequestTypes[known], contentType == JsonContentType);
            context.Items[RequestItem] = request;
            var call = new ForgeCall
            {
                Method = known,
                RunnerUuid = Header(context.Request.Headers, "x-runner-uuid"),
                RunnerToken = Header(context.Request.Headers, "x-runner-token"),
                RequestKey = Header(context.Request.Headers, "x-runner-request-key"),
                ProcessingPointAsync = () => faults.ProcessingPointAsync(known, shutdown),
            };
            response = await service.HandleAsync(request, call);
        }
        catch (ConnectErrorException e)
        {
            error = e;
        }
        catch (OperationCanceledException) when (shutdown.IsCancellationRequested)
        {
            context.Abort();
            return (null, true);
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            // A fault in the fake itself still reaches the client as a Connect error it can report.
            error = new ConnectErrorException(ConnectCode.Internal, $"fake forge: {e.GetType().Name}: {e.Message}");
        }

        if (faults.ShouldDropResponse(known))
        {
            // The effect is stored; the client only sees the connection go away.
            context.Abort();
            return (error?.Code, true);
        }

        if (error is not null)
        {
            var body = JsonSerializer.Serialize(new Dictionary<string, string> { ["code"] = error.Code, ["message"] = error.Message });
            await WriteAsync(context, ConnectCode.ToHttpStatus(error.Code), JsonContentType, body);
            return (error.Code, false);
        }

        var bytes = contentType == JsonContentType
            ? Encoding.UTF8.GetBytes(JsonFormatter.Default.Format(response!))
            : response!.ToByteArray();
        context.Response.Headers.AcceptEncoding = "gzip";
        if (known != ForgeMethod.Ping && bytes.Length >= CompressMinBytes && AcceptsGzip(context.Request))
        {
            bytes = Gzip(bytes);
            context.Response.Headers.ContentEncoding = "gzip";
        }

        await WriteAsync(context, 200, contentType, bytes);
        return (null, false);
    }

    private static async Task<IMessage> ReadRequestAsync(HttpRequest request, MessageDescriptor descriptor, bool json)
    {
        var version = Header(request.Headers, "Connect-Protocol-Version");
        if (version is not null && version != "1")
        {
            throw new ConnectErrorException(ConnectCode.InvalidArgument, $"connect-protocol-version must be \"1\": got \"{version}\"");
        }

        var encoding = Header(request.Headers, "Content-Encoding");
        if (encoding is not (null or "identity" or "gzip"))
        {
            throw new ConnectErrorException(ConnectCode.Unimplemented, $"unknown compression \"{encoding}\": supported encodings are gzip");
        }

        using var buffer = new MemoryStream();
        try
        {
            if (encoding == "gzip")
            {
                await using var gunzip = new GZipStream(request.Body, CompressionMode.Decompress, leaveOpen: true);
                await gunzip.CopyToAsync(buffer);
            }
            else
            {
                await request.Body.CopyToAsync(buffer);
            }
        }
        catch (InvalidDataException e)
        {
            throw new ConnectErrorException(ConnectCode.InvalidArgument, "decompress request: " + e.Message);
        }

        try
        {
            return json
                ? Json.Parse(Encoding.UTF8.GetString(buffer.GetBuffer(), 0, (int)buffer.Length), descriptor)
                : descriptor.Parser.ParseFrom(buffer.GetBuffer(), 0, (int)buffer.Length);
        }
        catch (Exception e) when (e is InvalidProtocolBufferException or InvalidJsonException or FormatException)
        {
            throw new ConnectErrorException(ConnectCode.InvalidArgument, $"unmarshal into {descriptor.FullName}: {e.Message}");
        }
    }

    private static string? MediaType(string? contentType) =>
        contentType?.Split(';')[0].Trim().ToLowerInvariant();

    private static bool AcceptsGzip(HttpRequest request) =>
        request.Headers.AcceptEncoding.SelectMany(v => (v ?? "").Split(','))
            .Any(token => token.Split(';')[0].Trim().Equals("gzip", StringComparison.OrdinalIgnoreCase));

    private static byte[] Gzip(byte[] bytes)
    {
        using var output = new MemoryStream();
        using (var gzip = new GZipStream(output, CompressionLevel.Fastest))
        {
            gzip.Write(bytes);
        }

        return output.ToArray();
    }

    private static string? ErrorCodeOf(string json)
    {
        using var document = JsonDocument.Parse(json);
        return document.RootElement.TryGetProperty("code", out var code) ? code.GetString() : null;
    }

    private static string? Header(IHeaderDictionary headers, string name) =>
        headers.TryGetValue(name, out var values) && values.Count > 0 && !string.IsNullOrEmpty(values[0]) ? values[0] : null;

    private static Task WriteAsync(HttpContext context, int status, string contentType, string body) =>
        WriteAsync(context, status, contentType, Encoding.UTF8.GetBytes(body));

    private static async Task WriteAsync(HttpContext context, int status, string contentType, byte[] body)
    {
        context.Response.StatusCode = status;
        context.Response.ContentType = contentType;
        context.Response.ContentLength = body.Length;
        await context.Response.Body.WriteAsync(body);
    }
}
