using System.Diagnostics.Metrics;
using KubeRunner.Agent.Configuration;
using KubeRunner.Agent.Forge;
using KubeRunner.Agent.Forge.Connect;
using KubeRunner.Agent.Standby.Decision;
using KubeRunner.Agent.Standby.ForgeApi;
using KubeRunner.Agent.Tests.TestSupport;
using KubeRunner.Protocol.Runner.V1;
using KubeRunner.Testing.FakeForge;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Time.Testing;
using FakeForgeServer = KubeRunner.Testing.FakeForge.FakeForge;

namespace KubeRunner.Agent.Tests.Standby.Simulation;

/// <summary>
/// A primary (crunchy01) and a standby (brix02), or more, against the fake forge, all on one
/// <see cref="FakeTimeProvider"/>: an hour passes in seconds. Time moves in steps; after each step the
/// agents' loops get a moment of real time to do what became due, so they can only fall behind the
/// simulated clock, never run ahead of it — which can delay a standby's claim but never make it early.
/// </summary>
internal sealed class SimulatedFleet : IAsyncDisposable
{
    public const string Label = "fenced";

    private readonly ServiceProvider _services;
    private readonly HttpClient _http = ForgeHttp.CreateClient(insecure: false);
    private readonly Dictionary<string, TimeSpan> _durations = new(StringComparer.Ordinal);
    private readonly List<SimulatedAgent> _agents = [];
    private readonly string _apiToken;
    private int _nextJob;

    private SimulatedFleet(FakeForgeServer forge, FakeTimeProvider clock, ServiceProvider services, CapturingLogger log)
    {
        Log = log;
        ForgeServer = forge;
        Clock = clock;
        _services = services;
        Meters = services.GetRequiredService<IMeterFactory>();
        Logs = services.GetRequiredService<ILoggerFactory>();
        Probe = new InProcessPeerProbe(address => _agents.LastOrDefault(a => a.Address == address));
        _apiToken = forge.AddApiToken(FakeApiScope.Admin);
    }

    public FakeForgeServer ForgeServer { get; }

    public FakeTimeProvider Clock { get; }

    public IMeterFactory Meters { get; }

    public ILoggerFactory Logs { get; }

    public CapturingLogger Log { get; }

    public InProcessPeerProbe Probe { get; }

    /// <summary>Every mode the standby was seen in, with when (checked after each step).</summary>
    public List<(DateTimeOffset At, StandbyMode Mode)> Modes { get; } = [];

    /// <summary>How long a job with no duration of its own runs.</summary>
    public TimeSpan DefaultDuration { get; set; } = TimeSpan.FromSeconds(30);

    public static async Task<SimulatedFleet> StartAsync(FakeForgeApiLevel apiLevel = FakeForgeApiLevel.Forgejo15)
    {
        var clock = new FakeTimeProvider(new DateTimeOffset(2026, 11, 28, 8, 0, 0, TimeSpan.Zero));
        var forge = await FakeForgeServer.StartAsync(new FakeForgeOptions { TimeProvider = clock, ApiLevel = apiLevel });
        var log = new CapturingLogger();
        var services = new ServiceCollection().AddMetrics().AddLogging(b => b.AddProvider(new CapturingLoggerProvider(log)).SetMinimumLevel(LogLevel.Information)).BuildServiceProvider();
        return new SimulatedFleet(forge, clock, services, log);
    }

    /// <summary>The standby's options as the README recommends (reference/standby.md §4.2), with the peer at <paramref name="peers"/>.</summary>
    public static StandbyOptions StandbyDefaults(int priority, params string[] peers) => new() { Priority = priority, Peers = peers, ApiScope = "admin" };

    public TimeSpan DurationOf(string job) => _durations.GetValueOrDefault(job, DefaultDuration);

    /// <summary>Registers a runner with the forge and starts an agent for it.</summary>
    public async Task<SimulatedAgent> StartAgentAsync(string name, StandbyOptions options, int capacity = 1, bool readsApi = true, IReadOnlyList<string>? labels = null)
    {
        var runner = ForgeServer.AddRunner(name, labels ?? [Label]);
        return await StartAgentAsync(runner, name, options, capacity, readsApi);
    }

    /// <summary>Starts an agent for a runner that exists (a restart: same runner, new boot).</summary>
    public async Task<SimulatedAgent> StartAgentAsync(FakeRunner runner, string name, StandbyOptions options, int capacity = 1, bool readsApi = true)
    {
        var client = new ForgeClient(_http, ForgeServer.Url, new RunnerCredentials(runner.Uuid, runner.Token), TimeSpan.FromSeconds(30));
        var api = readsApi && options.IsStandby ? new ForgeActionsApi(_http, ForgeServer.Url, _apiToken, ForgeApiScope.TryParse("admin", out _)!) : null;
        var agent = new SimulatedAgent(name, runner, new ForgeLink(client, api), options, capacity, this);
        _agents.Add(agent);
        await agent.StartAsync();
        return agent;
    }

    /// <summary>Queues a job for the label; returns its id on the forge.</summary>
    public long Enqueue(TimeSpan? duration = null, string label = Label)
    {
        var key = $"j{++_nextJob}";
        _durations[key] = duration ?? DefaultDuration;
        return ForgeServer.EnqueueJob(new FakeJob
        {
            WorkflowYaml = $"on: push\njobs:\n  {key}:\n    runs-on: {label}\n    steps:\n      - run: echo {key}\n",
            RunsOn = [label],
        });
    }

    /// <summary>Lets <paramref name="span"/> of simulated time pass in steps, calling <paramref name="each"/> after each.</summary>
    public async Task RunForAsync(TimeSpan span, TimeSpan? step = null, Action? each = null)
    {
        var by = step ?? TimeSpan.FromMilliseconds(500);
        for (var passed = TimeSpan.Zero; passed < span; passed += by)
        {
            Clock.Advance(by);
            await SettleAsync();
            if (_agents.LastOrDefault(a => a.Alive && a.Coordinator is not null) is { Coordinator: { } standby } && (Modes.Count == 0 || Modes[^1].Mode != standby.Mode))
            {
                Modes.Add((Clock.GetUtcNow(), standby.Mode));
            }

            each?.Invoke();
        }
    }

    /// <summary>Runs until <paramref name="done"/> holds, at most <paramref name="limit"/> of simulated time.</summary>
    public async Task<TimeSpan> RunUntilAsync(Func<bool> done, TimeSpan limit, string what)
    {
        var start = Clock.GetUtcNow();
        while (!done())
        {
            if (Clock.GetUtcNow() - start > limit)
            {
                throw new TimeoutException($"Not within {limit} of simulated time: {what}.\n" + string.Join("\n", Log.Entries.TakeLast(30).Select(e => e.Message)));
            }

            await RunForAsync(TimeSpan.FromMilliseconds(500));
        }

        return Clock.GetUtcNow() - start;
    }

    /// <summary>The tasks of one runner.</summary>
    public IReadOnlyList<FakeTask> TasksOf(SimulatedAgent agent) => ForgeServer.Tasks.Where(t => t.RunnerId == agent.Runner.Id).ToList();

    /// <summary>
    /// The invariants of reference/standby.md §4.9 for every scenario: a job has at most one task; no task ended
    /// cancelled (a mode change never cancels a running job); each job the standby claimed while holding back had
    /// waited at least <paramref name="minimumAge"/> at the moment the forge bound it.
    /// </summary>
    public void AssertInvariants(SimulatedAgent standby, Func<DateTimeOffset, TimeSpan> minimumAge)
    {
        var tasks = ForgeServer.Tasks;
        Assert.All(tasks.GroupBy(t => t.JobId), job => Assert.Single(job));
        Assert.DoesNotContain(tasks, t => t.Result == Result.Cancelled);
        foreach (var task in TasksOf(standby))
        {
            var job = ForgeServer.GetJob(task.JobId);
            var least = minimumAge(job.AssignedAt!.Value);
            Assert.True(job.ClaimedAtAge >= least, $"job {job.Id} was claimed by the standby at age {job.ClaimedAtAge}, before its grace {least}");
        }
    }

    /// <summary>The mode the standby was in at <paramref name="at"/>.</summary>
    public StandbyMode ModeAt(DateTimeOffset at) => Modes.LastOrDefault(m => m.At <= at) is { } seen && seen != default ? seen.Mode : StandbyMode.Standby;

    public async ValueTask DisposeAsync()
    {
        foreach (var agent in _agents)
        {
            await agent.DisposeAsync();
        }

        _http.Dispose();
        await ForgeServer.DisposeAsync();
        await _services.DisposeAsync();
    }

    /// <summary>
    /// Gives the loops real time to run what the last step made due: their work is a few loopback
    /// requests, so pauses of a millisecond until no request is in flight, none was added, and the
    /// thread pool has no queued work (a loop woken by the step but not yet at its request). On a
    /// loaded machine this only makes the simulation slower, not the agents late.
    /// </summary>
    private async Task SettleAsync()
    {
        var before = (-1, -1);
        for (var round = 0; round < 50; round++)
        {
            await Task.Delay(1);
            var (recorded, inFlight) = ForgeServer.Journal.Progress;
            var now = (recorded, ForgeServer.ApiCalls.Total);
            if (inFlight <= 0 && now == before && ThreadPool.PendingWorkItemCount == 0)
            {
                return;
            }

            before = now;
        }
    }
}
