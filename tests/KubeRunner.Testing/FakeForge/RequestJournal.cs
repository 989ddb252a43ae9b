using Google.Protobuf;

namespace KubeRunner.Testing.FakeForge;

/// <summary>One request as the fake forge saw it, recorded when its outcome is known.</summary>
public sealed record ForgeRequest
{
    public required DateTimeOffset Time { get; init; }

    /// <summary>The path after <c>&lt;base&gt;/api/actions/</c>, e.g. <c>runner.v1.RunnerService/FetchTask</c>.</summary>
    public required string Procedure { get; init; }

    /// <summary>Null for a procedure the forge does not serve.</summary>
    public ForgeMethod? Method { get; init; }

    public required string HttpMethod { get; init; }

    /// <summary>E.g. <c>HTTP/1.1</c> or <c>HTTP/2</c>.</summary>
    public required string HttpVersion { get; init; }

    public string? UserAgent { get; init; }

    public string? ConnectProtocolVersion { get; init; }

    public string? ConnectTimeoutMs { get; init; }

    public string? ContentType { get; init; }

    public string? ContentEncoding { get; init; }

    public string? AcceptEncoding { get; init; }

    public string? RequestKey { get; init; }

    public string? RunnerUuid { get; init; }

    /// <summary>The status sent, or 0 when the response was dropped.</summary>
    public int StatusCode { get; init; }

    /// <summary>The Connect error code sent, if any.</summary>
    public string? ErrorCode { get; init; }

    /// <summary>The call was processed but its answer dropped by <see cref="ForgeFaults.DropResponseNext"/>.</summary>
    public bool ResponseDropped { get; init; }

    /// <summary>The decoded request message, when it could be decoded (e.g. a FetchTaskRequest's tasks_version).</summary>
    public IMessage? Message { get; init; }
}

/// <summary>Every request the forge received, in order of completion, and calls per method.</summary>
public sealed class RequestJournal
{
    private readonly Lock _lock = new();
    private readonly List<ForgeRequest> _requests = [];
    private readonly Dictionary<ForgeMethod, int> _arrivals = [];
    private TaskCompletionSource _changed = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public IReadOnlyList<ForgeRequest> Requests
    {
        get
        {
            lock (_lock)
            {
                return [.. _requests];
            }
        }
    }

    /// <summary>Requests recorded (answered, faulted or dropped) so far, and those that arrived but are not recorded yet.</summary>
    public (int Recorded, int InFlight) Progress
    {
        get
        {
            lock (_lock)
            {
                return (_requests.Count, _arrivals.Values.Sum() - _requests.Count);
            }
        }
    }

    /// <summary>Calls of <paramref name="method"/> received so far (counted on arrival, faulted ones included).</summary>
    public int Count(ForgeMethod method)
    {
        lock (_lock)
        {
            return _arrivals.GetValueOrDefault(method);
        }
    }

    /// <summary>Completes with the first recorded request matching <paramref name="predicate"/>.</summary>
    public async Task<ForgeRequest> WaitForAsync(Func<ForgeRequest, bool> predicate, TimeSpan timeout)
    {
        using var deadline = new CancellationTokenSource(timeout);
        while (true)
        {
            Task changed;
            lock (_lock)
            {
                var found = _requests.FirstOrDefault(predicate);
                if (found is not null)
                {
                    return found;
                }

                changed = _changed.Task;
            }

            try
            {
                await changed.WaitAsync(deadline.Token);
            }
            catch (OperationCanceledException)
            {
                throw new TimeoutException($"No matching request within {timeout}.");
            }
        }
    }

    internal void Arrived(ForgeMethod method)
    {
        lock (_lock)
        {
            _arrivals[method] = _arrivals.GetValueOrDefault(method) + 1;
        }
    }

    internal void Add(ForgeRequest request)
    {
        TaskCompletionSource previous;
        lock (_lock)
        {
            _requests.Add(request);
            previous = _changed;
            _changed = new(TaskCreationOptions.RunContinuationsAsynchronously);
        }

        previous.TrySetResult();
    }
}
