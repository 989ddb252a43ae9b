using KubeRunner.Agent.Hosting.Status;
using KubeRunner.Agent.Labels;
using KubeRunner.Agent.Scheduling;

namespace KubeRunner.Agent.Standby;

/// <summary>Makes this agent's <see cref="PeerStatus"/> from the poller and the readiness state, one sequence number per answer.</summary>
internal sealed class PeerStatusSource(string runnerUuid, LabelSet labels, PollerOptions options, TaskPoller poller, AgentReadiness readiness, TimeProvider time)
{
    private readonly string _bootId = Guid.NewGuid().ToString();
    private long _sequence;

    public PeerStatus Current()
    {
        var sinceFetch = poller.LastFetchAnswered is { } answered ? (long)time.GetElapsedTime(answered).TotalMilliseconds : (long?)null;
        return new PeerStatus(runnerUuid, _bootId, Interlocked.Increment(ref _sequence), 0, "normal", labels.Names, options.Capacity, poller.RunningCount,
            !poller.Stopping, readiness.ForgeOk, sinceFetch, (long)options.FetchInterval.TotalMilliseconds, (long)options.FetchTimeout.TotalMilliseconds);
    }
}
