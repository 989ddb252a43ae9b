using System.Net.Http.Headers;
using Google.Protobuf;
using KubeRunner.Agent.Forge.Connect;
using KubeRunner.Agent.Hosting;
using KubeRunner.Protocol.Ping.V1;
using KubeRunner.Protocol.Runner.V1;

namespace KubeRunner.Agent.Forge;

/// <summary>Forgejo's ping and runner services over Connect (forgejo-protocol.md §1.1).</summary>
internal sealed class ForgeClient : IRunnerService
{
    private const string RunnerService = "runner.v1.RunnerService";
    private static readonly ProductInfoHeaderValue UserAgent = new("kube-runner", AgentVersion.Value);

    private readonly ConnectClient _connect;
    private readonly KeyValuePair<string, string>[] _credentialHeaders;

    /// <param name="http">From <see cref="ForgeHttp.CreateClient"/>.</param>
    /// <param name="instance">The instance URL as the operator wrote it (it may have a sub-path).</param>
    /// <param name="credentials">The runner's uuid and token; null while registering.</param>
    /// <param name="requestTimeout">Upper bound of every call (60 s, or FORGEJO_CLIENT_TIMEOUT).</param>
    public ForgeClient(HttpClient http, Uri instance, RunnerCredentials? credentials, TimeSpan requestTimeout)
    {
        _connect = new ConnectClient(http, ForgeAddress.ConnectBase(instance), requestTimeout, UserAgent);
        _credentialHeaders = credentials is null
            ? []
            : [new("x-runner-uuid", credentials.Uuid), new("x-runner-token", credentials.Token)];
    }

    public Task<PingResponse> PingAsync(string data, CancellationToken cancellationToken) =>
        _connect.UnaryAsync("ping.v1.PingService/Ping", new PingRequest { Data = data }, PingResponse.Parser, [], null, cancellationToken);

    public Task<RegisterResponse> RegisterAsync(RegisterRequest request, CancellationToken cancellationToken) =>
        Call(nameof(RegisterAsync), request, RegisterResponse.Parser, [], null, cancellationToken);

    public Task<DeclareResponse> DeclareAsync(DeclareRequest request, CancellationToken cancellationToken) =>
        Call(nameof(DeclareAsync), request, DeclareResponse.Parser, _credentialHeaders, null, cancellationToken);

    public Task<FetchTaskResponse> FetchTaskAsync(FetchTaskRequest request, string requestKey, TimeSpan deadline, CancellationToken cancellationToken) =>
        Call(nameof(FetchTaskAsync), request, FetchTaskResponse.Parser,
            [.. _credentialHeaders, new("x-runner-request-key", requestKey)], deadline, cancellationToken);

    public Task<UpdateTaskResponse> UpdateTaskAsync(UpdateTaskRequest request, CancellationToken cancellationToken) =>
        Call(nameof(UpdateTaskAsync), request, UpdateTaskResponse.Parser, _credentialHeaders, null, cancellationToken);

    public Task<UpdateLogResponse> UpdateLogAsync(UpdateLogRequest request, CancellationToken cancellationToken) =>
        Call(nameof(UpdateLogAsync), request, UpdateLogResponse.Parser, _credentialHeaders, null, cancellationToken);

    private Task<TResponse> Call<TResponse>(string caller, IMessage request, MessageParser<TResponse> parser,
        IReadOnlyList<KeyValuePair<string, string>> headers, TimeSpan? deadline, CancellationToken cancellationToken)
        where TResponse : IMessage<TResponse>
    {
        // "FetchTaskAsync" → "runner.v1.RunnerService/FetchTask"
        var method = caller[..^"Async".Length];
        return _connect.UnaryAsync($"{RunnerService}/{method}", request, parser, headers, deadline, cancellationToken);
    }
}

/// <summary>The runner's identity on the forge, from <c>.runner</c>.</summary>
internal sealed record RunnerCredentials(string Uuid, string Token)
{
    public override string ToString() => $"RunnerCredentials {{ Uuid = {Uuid}, Token = *** }}";
}
