using KubeRunner.Agent.Configuration;
using KubeRunner.Agent.Hosting.Status;
using KubeRunner.Agent.Labels;
using KubeRunner.Agent.Scheduling;
using KubeRunner.Agent.Standby.Peers;

namespace KubeRunner.Agent.Standby;

/// <summary>Makes this agent's <see cref="PeerStatus"/> from the poller, the drain switch and the readiness state, one sequence number per answer.</summary>
internal sealed class PeerStatusSource(string runnerUuid, LabelSet labels, PollerOptions options, StandbyOptions standby, TaskPoller poller,
    DrainSwitch drain, AgentReadiness readiness, TimeProvider time, StandbyCoordinator? coordinator = null)
{
    private readonly string _bootId = Guid.NewGuid().ToString();
    private long _sequence;

    public DrainSwitch Drain => drain;

    public TimeSpan FetchTimeout => options.FetchTimeout;

    public PeerStatus Current()
    {
        var sinceFetch = poller.LastFetchAnswered is { } answered ? (long)time.GetElapsedTime(answered).TotalMilliseconds : (long?)null;
        var mode = coordinator?.ModeName ?? (drain.Draining ? PeerModes.Draining : PeerModes.Normal);
        return new PeerStatus(runnerUuid, _bootId, Interlocked.Increment(ref _sequence), standby.Priority, mode, labels.Names, options.Capacity,
            poller.RunningCount, !poller.Stopping && !drain.Draining, readiness.ForgeOk, sinceFetch,
            (long)options.FetchInterval.TotalMilliseconds, (long)options.FetchTimeout.TotalMilliseconds, coordinator?.View());
    }
}
