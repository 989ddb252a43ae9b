using KubeRunner.Agent.Configuration;
using KubeRunner.Agent.Labels;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace KubeRunner.Agent.Standby.Peers;

/// <summary>
/// Reads each higher-priority peer's status every <c>peer_interval</c>, each read bounded by
/// <c>peer_timeout</c>, and hands what it learns to the <see cref="StandbyCoordinator"/>.
/// </summary>
internal sealed partial class PeerPoller(StandbyCoordinator coordinator, IPeerProbe probe, StandbyOptions options, LabelSet labels,
    StandbyMetrics metrics, TimeProvider time, ILogger<PeerPoller> logger) : BackgroundService
{
    protected override Task ExecuteAsync(CancellationToken stoppingToken) =>
        Task.WhenAll(coordinator.Peers.Select(peer => PollAsync(peer, stoppingToken)));

    private async Task PollAsync(PeerTracker peer, CancellationToken stoppingToken)
    {
        var labelsChecked = false;
        try
        {
            while (!stoppingToken.IsCancellationRequested)
            {
                if (await ReadOnceAsync(peer, stoppingToken) is { } status && !labelsChecked)
                {
                    labelsChecked = true;
                    WarnIfLabelsDiffer(peer.Address, status.Labels);
                }

                coordinator.Evaluate();
                await Task.Delay(options.PeerInterval, time, stoppingToken);
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
    }

    /// <returns>The peer's status, or null when the read failed.</returns>
    private async Task<PeerStatus?> ReadOnceAsync(PeerTracker peer, CancellationToken stoppingToken)
    {
        using var timeout = new CancellationTokenSource(options.PeerTimeout, time);
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(stoppingToken, timeout.Token);
        PeerStatus status;
        try
        {
            status = await probe.ReadAsync(peer.Address, linked.Token);
        }
        catch (PeerProbeException e) when (!stoppingToken.IsCancellationRequested)
        {
            metrics.PeerFailed(peer.Address);
            if (peer.Missed(e.Message))
            {
                Log.Lost(logger, peer.Address, options.PeerLostAfter, e.Message);
            }

            return null;
        }

        var wasLost = peer.Snapshot().Lost;
        if (peer.Answered(status))
        {
            Log.Restarted(logger, peer.Address, status.BootId);
        }

        if (wasLost)
        {
            Log.Back(logger, peer.Address, status.Sequence);
        }

        return status;
    }

    /// <summary>§4.2: a standby should carry the primary's labels; a label only it has is claimed at the healthy grace, not at once.</summary>
    private void WarnIfLabelsDiffer(string address, IReadOnlyList<string> peerLabels)
    {
        var mine = labels.Names.ToHashSet(StringComparer.Ordinal);
        var theirs = peerLabels.ToHashSet(StringComparer.Ordinal);
        if (!mine.SetEquals(theirs))
        {
            var onlyMine = string.Join(", ", mine.Except(theirs));
            var onlyTheirs = string.Join(", ", theirs.Except(mine));
            Log.LabelsDiffer(logger, address, onlyMine.Length > 0 ? onlyMine : "-", onlyTheirs.Length > 0 ? onlyTheirs : "-");
        }
    }

    private static partial class Log
    {
        [LoggerMessage(Diagnostics.EventIds.StandbyPeerLost, LogLevel.Warning, "Peer {Peer} lost after {Misses} missed reads: {Problem}")]
        public static partial void Lost(ILogger logger, string peer, int misses, string problem);

        [LoggerMessage(Diagnostics.EventIds.StandbyPeerBack, LogLevel.Information, "Peer {Peer} answers again (seq {Sequence})")]
        public static partial void Back(ILogger logger, string peer, long sequence);

        [LoggerMessage(Diagnostics.EventIds.StandbyPeerRestarted, LogLevel.Information, "Peer {Peer} restarted (boot {BootId}); its recovery time starts again")]
        public static partial void Restarted(ILogger logger, string peer, string bootId);

        [LoggerMessage(Diagnostics.EventIds.StandbyLabelsDiffer, LogLevel.Warning, "Peer {Peer} has other labels: only here: {OnlyHere}; only there: {OnlyThere}. Jobs for a label only this standby has wait the healthy grace (standby.grace_healthy); give both the same labels")]
        public static partial void LabelsDiffer(ILogger logger, string peer, string onlyHere, string onlyThere);
    }
}
