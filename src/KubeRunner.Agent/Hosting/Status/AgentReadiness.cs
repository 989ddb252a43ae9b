using KubeRunner.Agent.Configuration;

namespace KubeRunner.Agent.Hosting.Status;

/// <summary>
/// Whether the agent can take and run jobs, as <c>/readyz</c> answers it: it is registered (a valid
/// <c>.runner</c> the forge accepted), the forge answered recently, and each backend its labels use
/// can be reached. The daemon creates it before it is registered, so that a pod that cannot register
/// yet is alive and not ready with the reason; the daemon and the agent's services update it.
/// Liveness never depends on it.
/// </summary>
internal sealed class AgentReadiness(TimeProvider time)
{
    public const string RegisteredCheck = "registered";
    public const string ForgeCheck = "forge";

    /// <summary>The least <see cref="ForgeWindow"/>: one slow answer must not make the agent unready.</summary>
    public static readonly TimeSpan MinForgeWindow = TimeSpan.FromSeconds(5);

    private readonly Lock _lock = new();
    private bool _registered;
    private string _registrationProblem = "the runner has not been declared to the forge yet";
    private DateTimeOffset? _forgeSucceeded;
    private string? _forgeProblem;
    private IReadOnlyList<IReadinessCheck> _backends = [];

    /// <summary>How old the last successful forge request may be; see <see cref="ForgeWindowFor"/>.</summary>
    public TimeSpan ForgeWindow { get; set; } = TimeSpan.FromMinutes(1);

    /// <summary>
    /// Three fetch (or report) intervals plus one fetch timeout, at least <see cref="MinForgeWindow"/>.
    /// An idle agent fetches every <c>fetch_interval</c> and a busy one reports every <c>report_interval</c>
    /// (a full agent does not fetch), so in that time a reachable forge has answered at least twice, and
    /// one failed or slow request alone does not make the agent unready. A standby that holds back makes
    /// no FetchTask: its calls are the Declare of every <paramref name="standbyKeepalive"/>, so its window
    /// covers two of those.
    /// </summary>
    public static TimeSpan ForgeWindowFor(TimeSpan fetchInterval, TimeSpan fetchTimeout, TimeSpan reportInterval, TimeSpan? standbyKeepalive = null)
    {
        var window = (3 * (fetchInterval > reportInterval ? fetchInterval : reportInterval)) + fetchTimeout;
        if (standbyKeepalive is { } keepalive && (2 * keepalive) + fetchTimeout > window)
        {
            window = (2 * keepalive) + fetchTimeout;
        }

        return window > MinForgeWindow ? window : MinForgeWindow;
    }

    /// <summary>Registration state: false with the reason while the runner has no valid <c>.runner</c> or the forge has not accepted it.</summary>
    public void SetRegistration(bool ok, string reason)
    {
        lock (_lock)
        {
            _registered = ok;
            _registrationProblem = reason;
        }
    }

    /// <summary>Whether a request to the forge succeeded within <see cref="ForgeWindow"/>.</summary>
    public bool ForgeOk
    {
        get
        {
            lock (_lock)
            {
                return ForgeProblem() is null;
            }
        }
    }

    /// <summary>A request to the forge (FetchTask, UpdateTask, UpdateLog, Declare) succeeded.</summary>
    public void ForgeSucceeded()
    {
        lock (_lock)
        {
            _forgeSucceeded = time.GetUtcNow();
            _forgeProblem = null;
        }
    }

    /// <summary>A request to the forge failed; the reason is shown while no later one succeeds.</summary>
    public void ForgeFailed(string problem)
    {
        lock (_lock)
        {
            _forgeProblem = problem;
        }
    }

    /// <summary>The checks of the backends the runner's labels use, in the order shown.</summary>
    public void UseBackends(IReadOnlyList<IReadinessCheck> checks)
    {
        lock (_lock)
        {
            _backends = checks;
        }
    }

    public async Task<ReadinessReport> CheckAsync(CancellationToken cancellationToken)
    {
        List<ReadinessLine> lines;
        IReadOnlyList<IReadinessCheck> backends;
        lock (_lock)
        {
            lines = [new(RegisteredCheck, _registered ? null : _registrationProblem), new(ForgeCheck, ForgeProblem())];
            backends = _backends;
        }

        foreach (var check in backends)
        {
            lines.Add(new ReadinessLine(check.Name, await check.ProblemAsync(cancellationToken)));
        }

        return new ReadinessReport(lines);
    }

    private string? ForgeProblem()
    {
        var lastError = _forgeProblem is null ? "" : $"; last error: {_forgeProblem}";
        if (_forgeSucceeded is not { } succeeded)
        {
            return $"no request to the forge has succeeded yet{lastError}";
        }

        var age = time.GetUtcNow() - succeeded;
        return age <= ForgeWindow ? null
            : $"no request to the forge succeeded for {GoDuration.Format(TimeSpan.FromMilliseconds(Math.Ceiling(age.TotalMilliseconds / 100) * 100))} (allowed: {GoDuration.Format(ForgeWindow)}){lastError}";
    }
}

/// <summary>One check of <c>/readyz</c> besides registration and the forge, e.g. a backend.</summary>
internal interface IReadinessCheck
{
    /// <summary>The check's name in the answer, e.g. <c>backend docker</c>.</summary>
    string Name { get; }

    /// <summary>Null when the check passes, else why not in one line. Must be cheap: probes come every few seconds.</summary>
    ValueTask<string?> ProblemAsync(CancellationToken cancellationToken);
}

/// <param name="Problem">Null when the check passes.</param>
internal sealed record ReadinessLine(string Name, string? Problem)
{
    public override string ToString() => $"{Name}: {(Problem is null ? "ok" : "failing: " + Problem)}";
}

internal sealed record ReadinessReport(IReadOnlyList<ReadinessLine> Lines)
{
    public bool IsReady => Lines.All(l => l.Problem is null);

    /// <summary>One line per check, each ending with a line feed.</summary>
    public override string ToString() => string.Concat(Lines.Select(l => l + "\n"));
}
