namespace KubeRunner.Testing.FakeForge;

/// <summary>One call to the fake's HTTP API (<c>/api/v1</c>), recorded when answered.</summary>
/// <param name="Path">The path after the instance's base, e.g. <c>/api/v1/admin/actions/runners/jobs</c>.</param>
/// <param name="Query">The query string with its leading <c>?</c>, or empty.</param>
/// <param name="HasToken">Whether an <c>Authorization</c> token was sent (the token itself is not kept).</param>
public sealed record ForgeApiCall(DateTimeOffset Time, string HttpMethod, string Path, string Query, bool HasToken, int StatusCode);

/// <summary>Every call to the fake's HTTP API, in order of completion.</summary>
public sealed class ApiCallJournal
{
    private readonly Lock _lock = new();
    private readonly List<ForgeApiCall> _calls = [];

    public IReadOnlyList<ForgeApiCall> Calls
    {
        get
        {
            lock (_lock)
            {
                return [.. _calls];
            }
        }
    }

    /// <summary>Calls answered so far.</summary>
    public int Total
    {
        get
        {
            lock (_lock)
            {
                return _calls.Count;
            }
        }
    }

    /// <summary>Calls of exactly <paramref name="path"/> (e.g. <c>/api/v1/admin/runners/jobs</c>), whatever their answer.</summary>
    public int Count(string path)
    {
        lock (_lock)
        {
            return _calls.Count(c => c.Path == path);
        }
    }

    internal void Add(ForgeApiCall call)
    {
        lock (_lock)
        {
            _calls.Add(call);
        }
    }
}
