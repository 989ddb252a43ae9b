using System.Diagnostics.Metrics;
using KubeRunner.Agent.Diagnostics;
using KubeRunner.Agent.Hosting;
using KubeRunner.Agent.Standby.Decision;
using KubeRunner.Agent.Standby.Peers;

namespace KubeRunner.Agent.Standby;

/// <summary>The standby's instruments (reference/standby.md §4.10), on the agent's meter.</summary>
internal sealed class StandbyMetrics
{
    private static readonly double[] AgeBuckets = [1, 2, 5, 10, 15, 20, 30, 45, 60, 90, 120, 300, 600];

    private readonly Gauge<int> _mode;
    private readonly Gauge<int> _peerState;
    private readonly Counter<long> _modeChanges;
    private readonly Counter<long> _claims;
    private readonly Counter<long> _claimsLost;
    private readonly Histogram<double> _claimAge;
    private readonly Counter<long> _peerFailures;
    private readonly Counter<long> _forgePollErrors;

    public StandbyMetrics(IMeterFactory factory)
        : this(factory.Create(new MeterOptions(AgentMetrics.MeterName) { Version = AgentVersion.Value }))
    {
    }

    private StandbyMetrics(Meter meter)
    {
        _mode = meter.CreateGauge<int>("kube_runner_standby_mode", description: "1 for this agent's mode now (normal, standby, active, draining), 0 for the others.");
        _peerState = meter.CreateGauge<int>("kube_runner_standby_peer_state", description: "1 for each higher-priority peer's state as this standby judges it, 0 for the others.");
        _modeChanges = meter.CreateCounter<long>("kube_runner_standby_mode_changes_total", description: "Mode changes of this standby, by the mode entered.");
        _claims = meter.CreateCounter<long>("kube_runner_standby_claims_total", description: "Jobs this standby claimed while holding back, by the evidence that allowed it.");
        _claimsLost = meter.CreateCounter<long>("kube_runner_standby_claims_lost_total", description: "Claims that brought no task: another runner took the job, or the forge held it back.");
        _claimAge = meter.CreateHistogram("kube_runner_standby_claim_wait_seconds", "s", "How long a claimed job had been seen waiting.",
            tags: null, advice: new InstrumentAdvice<double> { HistogramBucketBoundaries = AgeBuckets });
        _peerFailures = meter.CreateCounter<long>("kube_runner_standby_peer_failures_total", description: "Reads of a peer's status that failed.");
        _forgePollErrors = meter.CreateCounter<long>("kube_runner_standby_forge_poll_errors_total", description: "Reads of the forge's waiting-jobs or runner API that failed, by API.");
        _claimsLost.Add(0);
        foreach (var reason in ClaimReasons.All)
        {
            _claims.Add(0, new KeyValuePair<string, object?>("reason", reason));
        }
    }

    public void Mode(string mode)
    {
        foreach (var each in (string[])[PeerModes.Normal, PeerModes.Standby, PeerModes.Active, PeerModes.Draining])
        {
            _mode.Record(each == mode ? 1 : 0, new KeyValuePair<string, object?>("mode", each));
        }
    }

    public void PeerState(string peer, PeerState state)
    {
        foreach (var each in PeerStateNames.All)
        {
            _peerState.Record(each == state ? 1 : 0, new("peer", peer), new("state", each.Name()));
        }
    }

    public void ModeChanged(StandbyMode to) => _modeChanges.Add(1, new KeyValuePair<string, object?>("to", to == StandbyMode.Active ? PeerModes.Active : PeerModes.Standby));

    public void Claimed(string reason, TimeSpan age)
    {
        _claims.Add(1, new KeyValuePair<string, object?>("reason", reason));
        _claimAge.Record(age.TotalSeconds);
    }

    public void ClaimLost() => _claimsLost.Add(1);

    public void PeerFailed(string peer) => _peerFailures.Add(1, new KeyValuePair<string, object?>("peer", peer));

    /// <param name="api"><c>jobs</c> or <c>runners</c>.</param>
    public void ForgePollFailed(string api) => _forgePollErrors.Add(1, new KeyValuePair<string, object?>("api", api));
}

/// <summary>The <c>reason</c> of a claim: the state of the peer whose grace it waited out.</summary>
internal static class ClaimReasons
{
    public const string Down = "down";
    public const string Wedged = "wedged";
    public const string Saturated = "saturated";
    public const string Unknown = "unknown";
    public const string Drain = "drain";
    public const string SafetyNet = "safety_net";

    public static IReadOnlyList<string> All { get; } = [Down, Wedged, Saturated, Unknown, Drain, SafetyNet];

    public static string For(PeerState state) => state switch
    {
        PeerState.Healthy => SafetyNet,
        PeerState.Saturated => Saturated,
        PeerState.Draining => Drain,
        PeerState.Wedged => Wedged,
        PeerState.Down => Down,
        _ => Unknown,
    };
}
