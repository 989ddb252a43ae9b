using KubeRunner.Agent.Configuration;
using KubeRunner.Agent.Labels;
using KubeRunner.Agent.Standby;
using KubeRunner.Agent.Standby.Peers;
using static KubeRunner.Agent.Tests.Standby.StandbyBed;

namespace KubeRunner.Agent.Tests.Standby.Peers;

/// <summary>Reading the peers' status on a fake clock: timeouts, losses, restarts, and labels that differ.</summary>
public sealed class PeerPollerTests : IDisposable
{
    private static readonly TimeSpan Step = TimeSpan.FromMilliseconds(100);
    private static readonly TimeSpan Limit = TimeSpan.FromMinutes(2);

    private readonly StandbyBed _bed = new();
    private readonly ScriptedProbe _probe;

    public PeerPollerTests() => _probe = new ScriptedProbe(_bed);

    public void Dispose() => _bed.Dispose();

    [Fact]
    public async Task Poll_PeerAnswers_CoordinatorJudgesIt()
    {
        _probe.Answer = (_, _) => Task.FromResult(Status());
        using var poller = await StartAsync();

        await _bed.AdvanceUntilAsync(() => _probe.Calls >= 3, Step, Limit, "read three times");
        await poller.StopAsync(CancellationToken.None);

        var peer = Assert.Single(_bed.Coordinator.View().Peers);
        Assert.Equal("healthy", peer.State);
        Assert.Equal(Primary, Assert.Single(_probe.Addresses.Distinct()));
        Assert.DoesNotContain(_bed.Log.Entries, e => e.Level >= Microsoft.Extensions.Logging.LogLevel.Warning);
    }

    [Fact]
    public async Task Poll_PeerDoesNotAnswer_EachReadEndsAfterPeerTimeoutOnTheFakeClock()
    {
        _probe.Answer = (_, cancellationToken) => HangAsync(cancellationToken);
        using var poller = await StartAsync();
        await UntilAsync(() => _probe.Calls == 1, "the first read");

        _bed.Time.Advance(_bed.Options.PeerTimeout - TimeSpan.FromMilliseconds(1));
        Assert.Empty(_probe.TimedOutAfter);
        _bed.Time.Advance(TimeSpan.FromMilliseconds(1));

        Assert.Equal(_bed.Options.PeerTimeout, Assert.Single(_probe.TimedOutAfter));
        await UntilAsync(() => _bed.Peers[0].Snapshot().Misses == 1, "the miss counted");
        Assert.Equal("timed out", _bed.Peers[0].Snapshot().Problem);
        await poller.StopAsync(CancellationToken.None);
    }

    [Fact]
    public async Task Poll_MissesReachPeerLostAfter_LostAndLoggedOnce()
    {
        _probe.Answer = (call, cancellationToken) => call == 1 ? Task.FromResult(Status()) : HangAsync(cancellationToken);
        using var poller = await StartAsync();

        await _bed.AdvanceUntilAsync(() => _bed.Coordinator.View().Peers is [{ State: "unknown" }], Step, Limit, "judged lost");
        Assert.Equal(3, _bed.Peers[0].Snapshot().Misses);
        Assert.True(_bed.Peers[0].Snapshot().Lost);
        await _bed.AdvanceUntilAsync(() => _bed.Peers[0].Snapshot().Misses >= 6, Step, Limit, "missed six times");
        await poller.StopAsync(CancellationToken.None);

        var lost = Assert.Single(_bed.Log.Entries, e => e.Message.StartsWith("Peer " + Primary + " lost", StringComparison.Ordinal));
        Assert.Equal($"Peer {Primary} lost after 3 missed reads: timed out", lost.Message);
        Assert.Equal(Microsoft.Extensions.Logging.LogLevel.Warning, lost.Level);
    }

    [Fact]
    public async Task Poll_PeerRestartsThenIsLostThenAnswers_EachLogged()
    {
        _probe.Answer = (call, _) => call switch
        {
            1 => Task.FromResult(Status(bootId: "boot-1") with { Sequence = 40 }),
            2 => Task.FromResult(Status(bootId: "boot-2") with { Sequence = 1 }),
            3 or 4 or 5 => Task.FromException<PeerStatus>(new PeerProbeException("connection refused or unreachable")),
            _ => Task.FromResult(Status(bootId: "boot-2") with { Sequence = call }),
        };
        using var poller = await StartAsync();

        await _bed.AdvanceUntilAsync(() => _probe.Calls >= 7, Step, Limit, "read seven times");
        await poller.StopAsync(CancellationToken.None);

        var messages = _bed.Log.Entries.Select(e => e.Message).Where(m => m.StartsWith("Peer " + Primary + " ", StringComparison.Ordinal)).ToList();
        Assert.Equal(
            [
                $"Peer {Primary} restarted (boot boot-2); its recovery time starts again",
                $"Peer {Primary} lost after 3 missed reads: connection refused or unreachable",
                $"Peer {Primary} answers again (seq 6)",
            ],
            messages);
        Assert.Equal("boot-2", _bed.Coordinator.View().Peers[0].BootId);
    }

    [Fact]
    public async Task Poll_PeerHasOtherLabels_WarnsOnceNamingTheDifference()
    {
        _probe.Answer = (_, _) => Task.FromResult(Status(labels: ["fenced", "gpu"]));
        using var poller = await StartAsync(new LabelSet(["fenced:host", "linux:host"]));

        await _bed.AdvanceUntilAsync(() => _probe.Calls >= 3, Step, Limit, "read three times");
        await poller.StopAsync(CancellationToken.None);

        var warning = Assert.Single(_bed.Log.Entries, e => e.Message.Contains("has other labels", StringComparison.Ordinal));
        Assert.StartsWith($"Peer {Primary} has other labels: only here: linux; only there: gpu. ", warning.Message);
        Assert.Contains("standby.grace_healthy", warning.Message);
    }

    [Fact]
    public async Task Poll_PeerHasFewerLabels_WarnsWithADashForTheEmptySide()
    {
        _probe.Answer = (_, _) => Task.FromResult(Status(labels: ["fenced"]));
        using var poller = await StartAsync(new LabelSet(["fenced:host", "linux:host"]));

        await _bed.AdvanceUntilAsync(() => _probe.Calls >= 2, Step, Limit, "read twice");
        await poller.StopAsync(CancellationToken.None);

        Assert.Single(_bed.Log.Entries, e => e.Message.StartsWith($"Peer {Primary} has other labels: only here: linux; only there: -.", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Poll_SameLabelsInAnotherOrder_NoWarning()
    {
        _probe.Answer = (_, _) => Task.FromResult(Status(labels: ["linux", "fenced"]));
        using var poller = await StartAsync(new LabelSet(["fenced:host", "linux:host"]));

        await _bed.AdvanceUntilAsync(() => _probe.Calls >= 2, Step, Limit, "read twice");
        await poller.StopAsync(CancellationToken.None);

        Assert.DoesNotContain(_bed.Log.Entries, e => e.Message.Contains("has other labels", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Poll_TwoPeers_EachReadAndJudged()
    {
        const string Second = "http://crunchy02:9110";
        using var bed = new StandbyBed(new StandbyOptions { Priority = 2, Peers = [Primary, Second] });
        var probe = new ScriptedProbe(bed)
        {
            Answer = (_, _) => Task.FromResult(Status()),
            AnswerFor = address => address == Second ? Status(busy: 2, uuid: "uuid-crunchy02") : null,
        };
        using var poller = new PeerPoller(bed.Coordinator, probe, bed.Options, new LabelSet(["fenced:host"]), bed.Metrics, bed.Time, bed.Logger<PeerPoller>());
        await poller.StartAsync(CancellationToken.None);

        await bed.AdvanceUntilAsync(() => bed.Coordinator.View().Peers.Count(p => p.State != "starting") == 2, Step, Limit, "both judged");
        await poller.StopAsync(CancellationToken.None);

        Assert.Equal(["healthy", "saturated"], bed.Coordinator.View().Peers.Select(p => p.State));
    }

    private async Task<PeerPoller> StartAsync(LabelSet? labels = null)
    {
        var poller = new PeerPoller(_bed.Coordinator, _probe, _bed.Options, labels ?? new LabelSet(["fenced:host"]), _bed.Metrics, _bed.Time, _bed.Logger<PeerPoller>());
        await poller.StartAsync(CancellationToken.None);
        return poller;
    }

    /// <summary>Never answers; ends as <see cref="HttpPeerProbe"/> does when the poller's peer_timeout cancels the read.</summary>
    private static async Task<PeerStatus> HangAsync(CancellationToken cancellationToken)
    {
        try
        {
            await Task.Delay(Timeout.Infinite, cancellationToken);
        }
        catch (OperationCanceledException e)
        {
            throw new PeerProbeException("timed out", e);
        }

        throw new InvalidOperationException("unreachable");
    }

    /// <summary>A peer that answers as the test says, counting reads and how long (on the fake clock) each read that was cancelled ran.</summary>
    private sealed class ScriptedProbe(StandbyBed bed) : IPeerProbe
    {
        private readonly List<string> _addresses = [];
        private readonly List<TimeSpan> _timedOutAfter = [];
        private int _calls;

        /// <summary>By call number (from 1).</summary>
        public Func<int, CancellationToken, Task<PeerStatus>> Answer { get; set; } = (_, _) => Task.FromResult(Status());

        /// <summary>A fixed answer for some addresses; null: <see cref="Answer"/>.</summary>
        public Func<string, PeerStatus?> AnswerFor { get; set; } = _ => null;

        public int Calls => Volatile.Read(ref _calls);

        public IReadOnlyList<string> Addresses
        {
            get
            {
                lock (_addresses)
                {
                    return [.. _addresses];
                }
            }
        }

        public IReadOnlyList<TimeSpan> TimedOutAfter
        {
            get
            {
                lock (_timedOutAfter)
                {
                    return [.. _timedOutAfter];
                }
            }
        }

        public Task<PeerStatus> ReadAsync(string address, CancellationToken cancellationToken)
        {
            lock (_addresses)
            {
                _addresses.Add(address);
            }

            if (AnswerFor(address) is { } fixedAnswer)
            {
                return Task.FromResult(fixedAnswer);
            }

            var started = bed.Time.GetTimestamp();
            cancellationToken.Register(() =>
            {
                lock (_timedOutAfter)
                {
                    _timedOutAfter.Add(bed.Time.GetElapsedTime(started));
                }
            });
            return Answer(Interlocked.Increment(ref _calls), cancellationToken);
        }
    }
}
