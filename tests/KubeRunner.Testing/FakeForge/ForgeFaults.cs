using System.Text.Json;

namespace KubeRunner.Testing.FakeForge;

/// <summary>
/// Fault injection, per method, changeable at any time while the forge runs. A call meets the faults in
/// this order: a proxy answer or an injected error (nothing is processed), then holds and delays at its
/// processing point (<see cref="ForgeCall.ProcessingPointAsync"/>), then the effect, then a dropped
/// response (the effect is stored, the connection is aborted).
/// </summary>
public sealed class ForgeFaults
{
    private const string DefaultProxyPage =
        "<html>\r\n<head><title>502 Bad Gateway</title></head>\r\n<body>\r\n<center><h1>502 Bad Gateway</h1></center>\r\n</body>\r\n</html>\r\n";

    private readonly Lock _lock = new();
    private readonly Dictionary<ForgeMethod, MethodFaults> _faults = [];
    private volatile bool _declareUnimplemented;

    /// <summary>Answer Declare with <c>unimplemented</c> (HTTP 501), as a server older than Declare's handler would (§1.5).</summary>
    public bool DeclareUnimplemented
    {
        get => _declareUnimplemented;
        set => _declareUnimplemented = value;
    }

    /// <summary>The next <paramref name="count"/> calls fail with a Connect error before being processed.</summary>
    public void FailNext(ForgeMethod method, int count, int httpStatus = 503, string code = ConnectCode.Unavailable,
        string message = "injected failure")
    {
        ArgumentOutOfRangeException.ThrowIfNegative(count);
        Update(method, f => f.FailNext = new CountedAnswer(count, ConnectError(httpStatus, code, message)));
    }

    /// <summary>Each call fails before being processed with probability <paramref name="fraction"/>, drawn from a seeded generator.</summary>
    public void FailRandomly(ForgeMethod method, double fraction, int seed, int httpStatus = 503,
        string code = ConnectCode.Unavailable, string message = "injected failure")
    {
        ArgumentOutOfRangeException.ThrowIfNegative(fraction);
        Update(method, f => f.FailRandomly = new RandomAnswer(fraction, new Random(seed), ConnectError(httpStatus, code, message)));
    }

    /// <summary>The next <paramref name="count"/> calls are processed, then the connection is aborted instead of answering.</summary>
    public void DropResponseNext(ForgeMethod method, int count)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(count);
        Update(method, f => f.DropNext = count);
    }

    /// <summary>Each processed call loses its answer with probability <paramref name="fraction"/> (seeded).</summary>
    public void DropResponseRandomly(ForgeMethod method, double fraction, int seed)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(fraction);
        Update(method, f => f.DropRandomly = (fraction, new Random(seed)));
    }

    /// <summary>Every call waits <paramref name="delay"/> at its processing point; <see cref="TimeSpan.Zero"/> turns it off.</summary>
    public void Delay(ForgeMethod method, TimeSpan delay) => Update(method, f => f.Delay = delay);

    /// <summary>The next <paramref name="count"/> calls get a non-Connect answer, as from a reverse proxy (§1.5).</summary>
    public void AnswerAsProxyNext(ForgeMethod method, int count, int httpStatus = 502, string contentType = "text/html",
        string? body = null)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(count);
        Update(method, f => f.ProxyNext = new CountedAnswer(count, new InjectedAnswer(httpStatus, contentType, body ?? DefaultProxyPage)));
    }

    /// <summary>Calls wait at their processing point until the returned gate is released (or disposed).</summary>
    public ForgeCallGate Hold(ForgeMethod method)
    {
        var gate = new ForgeCallGate(g => Update(method, f => f.Gate = f.Gate == g ? null : f.Gate));
        Update(method, f => f.Gate = gate);
        return gate;
    }

    /// <summary>Turns off every fault (holds already waiting are released).</summary>
    public void Reset()
    {
        List<ForgeCallGate> gates;
        lock (_lock)
        {
            gates = [.. _faults.Values.Select(f => f.Gate).OfType<ForgeCallGate>()];
            _faults.Clear();
        }

        _declareUnimplemented = false;
        gates.ForEach(g => g.Release());
    }

    internal InjectedAnswer? BeforeProcessing(ForgeMethod method)
    {
        lock (_lock)
        {
            if (!_faults.TryGetValue(method, out var f))
            {
                return null;
            }

            return f.ProxyNext?.Take() ?? f.FailNext?.Take() ?? f.FailRandomly?.Draw();
        }
    }

    internal bool ShouldDropResponse(ForgeMethod method)
    {
        lock (_lock)
        {
            if (!_faults.TryGetValue(method, out var f))
            {
                return false;
            }

            if (f.DropNext > 0)
            {
                f.DropNext--;
                return true;
            }

            return f.DropRandomly is var (fraction, random) && random.NextDouble() < fraction;
        }
    }

    internal async Task ProcessingPointAsync(ForgeMethod method, CancellationToken shutdown)
    {
        ForgeCallGate? gate;
        TimeSpan delay;
        lock (_lock)
        {
            _faults.TryGetValue(method, out var f);
            gate = f?.Gate;
            delay = f?.Delay ?? TimeSpan.Zero;
        }

        if (gate is not null)
        {
            await gate.EnterAsync(shutdown);
        }

        if (delay > TimeSpan.Zero)
        {
            await Task.Delay(delay, shutdown);
        }
    }

    private void Update(ForgeMethod method, Action<MethodFaults> change)
    {
        lock (_lock)
        {
            if (!_faults.TryGetValue(method, out var f))
            {
                f = new MethodFaults();
                _faults.Add(method, f);
            }

            change(f);
        }
    }

    private static InjectedAnswer ConnectError(int httpStatus, string code, string message) =>
        new(httpStatus, "application/json", JsonSerializer.Serialize(new Dictionary<string, string> { ["code"] = code, ["message"] = message }));

    private sealed class MethodFaults
    {
        public CountedAnswer? ProxyNext { get; set; }

        public CountedAnswer? FailNext { get; set; }

        public RandomAnswer? FailRandomly { get; set; }

        public int DropNext { get; set; }

        public (double Fraction, Random Random)? DropRandomly { get; set; }

        public TimeSpan Delay { get; set; }

        public ForgeCallGate? Gate { get; set; }
    }

    private sealed class CountedAnswer(int count, InjectedAnswer answer)
    {
        private int _left = count;

        public InjectedAnswer? Take()
        {
            if (_left <= 0)
            {
                return null;
            }

            _left--;
            return answer;
        }
    }

    private sealed class RandomAnswer(double fraction, Random random, InjectedAnswer answer)
    {
        public InjectedAnswer? Draw() => random.NextDouble() < fraction ? answer : null;
    }
}

/// <summary>An answer the endpoint writes verbatim instead of processing the call.</summary>
internal sealed record InjectedAnswer(int HttpStatus, string ContentType, string Body);
