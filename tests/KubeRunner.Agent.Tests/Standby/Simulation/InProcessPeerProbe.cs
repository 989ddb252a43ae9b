using KubeRunner.Agent.Standby;
using KubeRunner.Agent.Standby.Peers;

namespace KubeRunner.Agent.Tests.Standby.Simulation;

/// <summary>Reads a simulated peer's status directly; a dead peer or a cut link between the agents is a failed read.</summary>
internal sealed class InProcessPeerProbe(Func<string, SimulatedAgent?> find) : IPeerProbe
{
    /// <summary>Drops every read between the agents (a partition that leaves both reaching the forge).</summary>
    public bool Partitioned { get; set; }

    public Task<PeerStatus> ReadAsync(string address, CancellationToken cancellationToken)
    {
        if (Partitioned || find(address) is not { Alive: true } peer)
        {
            return Task.FromException<PeerStatus>(new PeerProbeException("connection refused or unreachable"));
        }

        return Task.FromResult(peer.Status.Current());
    }
}
