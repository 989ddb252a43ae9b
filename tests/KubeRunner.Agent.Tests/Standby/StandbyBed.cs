using KubeRunner.Agent.Configuration;
using KubeRunner.Agent.Scheduling;
using KubeRunner.Agent.Standby;
using KubeRunner.Agent.Standby.Claims;
using KubeRunner.Agent.Standby.ForgeApi;
using KubeRunner.Agent.Standby.Peers;
using KubeRunner.Agent.Tests.TestSupport;
using KubeRunner.Testing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Time.Testing;

namespace KubeRunner.Agent.Tests.Standby;

/// <summary>
/// A standby's core built by hand on a fake clock: one tracker per peer, the forge evidence, the waiting-job
/// book, the drain switch and the coordinator, with everything logged into one <see cref="CapturingLogger"/>.
/// </summary>
internal sealed class StandbyBed : IDisposable
{
    public const string Primary = "http://crunchy01:9110";
    public const string PrimaryUuid = "uuid-crunchy01";

    private readonly ServiceProvider _services = new ServiceCollection().AddMetrics().BuildServiceProvider();
    private readonly ILoggerFactory _logs;
    private long _sequence;

    /// <param name="forgeApi">Whether standby.api_token_file is set (the waiting-jobs API may be read).</param>
    public StandbyBed(StandbyOptions? options = null, bool forgeApi = true, IReadOnlyList<string>? peers = null)
    {
        Options = options ?? new StandbyOptions { Priority = 1, Peers = [Primary] };
        _logs = LoggerFactory.Create(b => b.SetMinimumLevel(LogLevel.Trace).AddProvider(new CapturingLoggerProvider(Log)));
        Peers = (peers ?? Options.Peers).Select(a => new PeerTracker(a, Options.PeerLostAfter, Time)).ToList();
        Forge = new ForgeEvidence(forgeApi);
        Jobs = new WaitingJobBook(Time);
        Drain = new DrainSwitch(Logger<DrainSwitch>());
        Metrics = new StandbyMetrics(_services.GetRequiredService<System.Diagnostics.Metrics.IMeterFactory>());
        Coordinator = new StandbyCoordinator(Options, Peers, Forge, Jobs, Drain, Time, Metrics, Logger<StandbyCoordinator>());
    }

    public FakeTimeProvider Time { get; } = new(new DateTimeOffset(2026, 3, 1, 12, 0, 0, TimeSpan.Zero));

    public CapturingLogger Log { get; } = new();

    public StandbyOptions Options { get; }

    public IReadOnlyList<PeerTracker> Peers { get; }

    public ForgeEvidence Forge { get; }

    public WaitingJobBook Jobs { get; }

    public DrainSwitch Drain { get; }

    public StandbyMetrics Metrics { get; }

    public StandbyCoordinator Coordinator { get; }

    public ILogger<T> Logger<T>() => _logs.CreateLogger<T>();

    /// <summary>The first peer answers <paramref name="status"/> (a fresh sequence number each time); then the coordinator judges again.</summary>
    public void Heartbeat(PeerStatus status, int peer = 0)
    {
        Peers[peer].Answered(status with { Sequence = ++_sequence });
        Coordinator.Evaluate();
    }

    /// <summary>The peer misses <paramref name="times"/> reads; then the coordinator judges again.</summary>
    public void Miss(int times, int peer = 0)
    {
        for (var i = 0; i < times; i++)
        {
            Peers[peer].Missed("connection refused or unreachable");
        }

        Coordinator.Evaluate();
    }

    /// <summary>
    /// Lets <paramref name="span"/> pass on the fake clock in peer_interval steps, the peer answering
    /// <paramref name="status"/> at each (as the poller would), or staying silent when it is null.
    /// </summary>
    public void Run(TimeSpan span, PeerStatus? status)
    {
        var end = Time.GetUtcNow() + span;
        while (Time.GetUtcNow() < end)
        {
            var step = end - Time.GetUtcNow() < Options.PeerInterval ? end - Time.GetUtcNow() : Options.PeerInterval;
            Time.Advance(step);
            if (status is not null)
            {
                Heartbeat(status);
            }
            else
            {
                Coordinator.Evaluate();
            }
        }
    }

    /// <summary>The jobs API answered: these jobs wait now.</summary>
    public void JobsWaiting(params WaitingJob[] jobs)
    {
        Forge.JobsRead(ApiAvailability.Available);
        Jobs.Update(jobs);
        Coordinator.Evaluate();
    }

    /// <summary>The permit the gate gives right now, or null when a poller would have to wait.</summary>
    public FetchPermit? PermitNow()
    {
        var waiting = Coordinator.WaitAsync(new CancellationToken(canceled: true)).AsTask();
        Assert.True(waiting.IsCompleted, "the gate decides at once when nothing needs waiting for");
        return waiting.IsCanceled ? null : waiting.Result;
    }

    public void Dispose()
    {
        _logs.Dispose();
        _services.Dispose();
    }

    /// <summary>A peer's status: a primary with room that fetches, unless told otherwise.</summary>
    public static PeerStatus Status(string bootId = "boot-1", string mode = "normal", int capacity = 2, int busy = 0, bool accepting = true,
        bool forgeOk = true, long? sinceFetchMs = 100, long fetchIntervalMs = 2000, long fetchTimeoutMs = 5000, string uuid = PrimaryUuid,
        IReadOnlyList<string>? labels = null) =>
        new(uuid, bootId, 1, 0, mode, labels ?? ["fenced"], capacity, busy, accepting, forgeOk, sinceFetchMs, fetchIntervalMs, fetchTimeoutMs);

    public static PeerStatus Saturated => Status(busy: 2);

    public static WaitingJob Job(long id, long attempt = 1) => new($"handle-{id}", id, $"handle-{id}", attempt, $"job-{id}", ["fenced"]);

    /// <summary>Waits (in real time, bounded) until <paramref name="done"/>; the fake clock does not move.</summary>
    public static async Task UntilAsync(Func<bool> done, string what)
    {
        var deadline = DateTime.UtcNow + TestTimeouts.Default;
        while (!done())
        {
            Assert.True(DateTime.UtcNow < deadline, "timed out waiting until " + what);
            await Task.Delay(5);
        }
    }

    /// <summary>
    /// Moves the fake clock in <paramref name="step"/>s, letting background loops run between steps, until
    /// <paramref name="done"/>; fails after <paramref name="limit"/> of fake time or a generous real time.
    /// </summary>
    public async Task AdvanceUntilAsync(Func<bool> done, TimeSpan step, TimeSpan limit, string what)
    {
        var start = Time.GetUtcNow();
        var deadline = DateTime.UtcNow + TestTimeouts.Default;
        while (!done())
        {
            Assert.True(Time.GetUtcNow() - start <= limit && DateTime.UtcNow < deadline, $"not {what} after {Time.GetUtcNow() - start} on the fake clock");
            // Let loops woken by the last step reach their next wait before the clock moves on.
            await Task.Delay(5);
            if (!done())
            {
                Time.Advance(step);
            }
        }
    }
}
