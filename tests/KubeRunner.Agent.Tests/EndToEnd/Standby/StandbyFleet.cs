using System.Collections.Concurrent;
using KubeRunner.Agent.Standby;
using KubeRunner.Agent.Tests.TestSupport;
using KubeRunner.Protocol.Runner.V1;
using KubeRunner.Testing;
using KubeRunner.Testing.FakeForge;

namespace KubeRunner.Agent.Tests.EndToEnd.Standby;

/// <summary>
/// A primary "crunchy01" (priority 0) and a standby "brix02" (priority 1) for the label <c>fenced</c> on the host
/// backend, each its own runner on one fake forge, sharing one fleet secret, with the short timings of
/// <see cref="StandbyTimings"/>. It remembers, for every job it queues, the grace the standby had to respect
/// for it, and checks the invariants of reference/standby.md §4.9 over everything the forge recorded.
/// </summary>
internal sealed class StandbyFleet : IAsyncDisposable
{
    public const string Label = "fenced";
    private const string Secret = "3c1f0e2d4b5a69788796a5b4c3d2e1f0aa55aa55aa55aa55";

    private readonly ConcurrentDictionary<long, TimeSpan> _graceByJob = new();
    private int _jobs;

    private StandbyFleet(FakeForge forge, FleetAgent primary, FleetAgent standby)
    {
        Forge = forge;
        Primary = primary;
        Standby = standby;
    }

    public static StandbyTimings Timings { get; } = new();

    public FakeForge Forge { get; }

    public FleetAgent Primary { get; }

    public FleetAgent Standby { get; }

    /// <param name="forgeApi">Whether the standby reads the forge's waiting jobs and runner status (an admin token); else the heartbeat alone.</param>
    public static async Task<StandbyFleet> StartAsync(bool forgeApi = true)
    {
        var forge = await FakeForge.StartAsync(new FakeForgeOptions { ApiLevel = FakeForgeApiLevel.Forgejo15, RunnerOfflineAfter = Timings.RunnerOfflineAfter });
        var primary = new FleetAgent("crunchy01", forge.AddRunner("crunchy01", [Label]), Secret);
        var standby = new FleetAgent("brix02", forge.AddRunner("brix02", [Label]), Secret);
        var fleet = new StandbyFleet(forge, primary, standby);
        Configure(forge, primary, "  priority: 0\n");
        var api = "";
        if (forgeApi)
        {
            standby.Write("forge-token", forge.AddApiToken(FakeApiScope.Admin));
            api = $"  api_token_file: {standby.Path("forge-token")}\n  api_scope: admin\n";
        }

        var t = Timings;
        Configure(forge, standby, $"""
              priority: 1
              peers: [{primary.Url}]
              peer_interval: {Go(t.PeerInterval)}
              peer_timeout: {Go(t.PeerTimeout)}
              peer_lost_after: {t.PeerLostAfter}
              forge_jobs_poll: {Go(t.ForgeJobsPoll)}
              forge_status_poll: {Go(t.ForgeStatusPoll)}
              grace_down: {Go(t.GraceDown)}
              grace_unknown: {Go(t.GraceUnknown)}
              grace_saturated: {Go(t.GraceSaturated)}
              grace_healthy: {Go(t.GraceHealthy)}
              recover_after: {Go(t.RecoverAfter)}
              min_active_dwell: {Go(t.MinActiveDwell)}
              declare_keepalive: {Go(t.DeclareKeepalive)}

            """ + api);
        primary.Start();
        standby.Start();
        return fleet;
    }

    /// <summary>
    /// Waits until the primary has fetched and the standby sees it healthy (and, with the forge's API, has read
    /// the waiting jobs and the runner status once): before that the standby judges a peer it has not heard from.
    /// </summary>
    public async Task WaitReadyAsync()
    {
        await Primary.WaitForStatusAsync(s => s.SinceLastFetchOkMs is not null, "the primary's first fetch");
        await Standby.WaitForStatusAsync(
            s => s.Standby is { } view && view.Peers.Count == 1 && view.Peers[0].State == "healthy" && view.ForgeApi != "not read yet"
                && (view.ForgeApi.StartsWith("not used", StringComparison.Ordinal) || view.Peers[0].ForgeStatus is not null),
            "the standby seeing its primary healthy");
    }

    /// <summary>Queues a job for <see cref="Label"/> that prints one line.</summary>
    /// <param name="grace">The least age at which the standby may claim it, by the phase it is queued in.</param>
    public long Enqueue(TimeSpan grace) => Enqueue($"echo job {Interlocked.Increment(ref _jobs)}", grace);

    /// <summary>Queues a job whose one step runs <paramref name="script"/> (a YAML block scalar, so any shell).</summary>
    public long Enqueue(string script, TimeSpan grace)
    {
        var body = string.Join('\n', script.Split('\n').Select(line => "          " + line));
        var id = Forge.EnqueueJob(new FakeJob
        {
            WorkflowYaml = $"on: push\njobs:\n  build:\n    runs-on: {Label}\n    steps:\n      - run: |\n{body}\n",
            RunsOn = [Label],
        });
        _graceByJob[id] = grace;
        return id;
    }

    public Task<FakeTask> WaitAssignedAsync(long job) => Forge.WaitForJobAssignedAsync(job, TestTimeouts.Default);

    public Task<FakeTask> WaitDoneAsync(long job) => Forge.WaitForTaskAsync(t => t.JobId == job && t.IsDone, TestTimeouts.Default);

    /// <summary>Which daemon's runner the task belongs to.</summary>
    public string RanOn(FakeTask task) =>
        task.RunnerId == Primary.Runner.Id ? Primary.Name : task.RunnerId == Standby.Runner.Id ? Standby.Name : $"runner {task.RunnerId}";

    /// <summary>
    /// Every job queued has exactly one task, which ended in success (none cancelled, by a mode change or
    /// otherwise), and every job the standby took had waited at least the grace of the phase it was queued in.
    /// </summary>
    public async Task AssertInvariantsAsync()
    {
        foreach (var job in _graceByJob.Keys)
        {
            await WaitDoneAsync(job);
        }

        var tasks = Forge.Tasks;
        foreach (var group in tasks.GroupBy(t => t.JobId))
        {
            Assert.True(group.Count() == 1, $"job {group.Key} has {group.Count()} tasks: {string.Join(", ", group.Select(RanOn))}\n{Explain()}");
        }

        Assert.All(tasks, t => Assert.True(t.Result == Result.Success, $"task {t.Id} of job {t.JobId} on {RanOn(t)} ended {t.Result}\n{t.Text()}\n{Explain()}"));
        Assert.Equal(_graceByJob.Keys.Order(), tasks.Select(t => t.JobId).Order());
        foreach (var task in tasks.Where(t => t.RunnerId == Standby.Runner.Id))
        {
            var age = Forge.GetJob(task.JobId).ClaimedAtAge;
            var grace = _graceByJob[task.JobId];
            Assert.True(age >= grace, $"the standby claimed job {task.JobId} {age?.TotalSeconds:0.000}s old, before its grace of {grace.TotalSeconds}s\n{Explain()}");
        }
    }

    /// <summary>Both daemons' recent log, for assertion messages.</summary>
    public string Explain() => $"--- {Primary.Name}:\n{Primary.Log(60)}\n--- {Standby.Name}:\n{Standby.Log(120)}";

    /// <summary>The standby's view of its one peer.</summary>
    public static PeerView PeerOf(PeerStatus status) => Assert.Single(status.Standby?.Peers ?? []);

    public async ValueTask DisposeAsync()
    {
        Standby.Dispose();
        Primary.Dispose();
        await Forge.DisposeAsync();
    }

    private static void Configure(FakeForge forge, FleetAgent agent, string standby)
    {
        agent.Write("fleet-secret", Secret + "\n");
        agent.Write(".runner", $$"""
            {
              "id": {{agent.Runner.Id}},
              "uuid": "{{agent.Runner.Uuid}}",
              "name": "{{agent.Name}}",
              "token": "{{agent.Runner.Token}}",
              "address": "{{forge.Url}}",
              "labels": ["{{Label}}:host"]
            }
            """);
        // Room for every job of a test, so that the primary is never saturated (which would open a spill-over).
        agent.Write("config.yaml", $"""
            runner:
              file: {agent.Path(".runner")}
              capacity: 12
              fetch_interval: {Go(Timings.FetchInterval)}
              report_interval: 200ms
            executor:
              path: {ExecutorBuild.Path}
            http:
              listen: {agent.Listen}
            standby:
              fleet_secret_file: {agent.Path("fleet-secret")}

            """ + standby);
    }

    private static string Go(TimeSpan span) => $"{(long)span.TotalMilliseconds}ms";
}

/// <summary>The fleet's short timings, and the bounds they give (reference/standby.md §4.6 at a smaller scale).</summary>
internal sealed record StandbyTimings
{
    public TimeSpan FetchInterval { get; } = TimeSpan.FromMilliseconds(200);

    public TimeSpan PeerInterval { get; } = TimeSpan.FromMilliseconds(200);

    public TimeSpan PeerTimeout { get; } = TimeSpan.FromMilliseconds(150);

    public int PeerLostAfter { get; } = 3;

    public TimeSpan ForgeJobsPoll { get; } = TimeSpan.FromMilliseconds(300);

    public TimeSpan ForgeStatusPoll { get; } = TimeSpan.FromMilliseconds(300);

    public TimeSpan GraceDown { get; } = TimeSpan.FromSeconds(1);

    public TimeSpan GraceUnknown { get; } = TimeSpan.FromSeconds(2);

    public TimeSpan GraceSaturated { get; } = TimeSpan.FromSeconds(2);

    public TimeSpan GraceHealthy { get; } = TimeSpan.FromSeconds(30);

    public TimeSpan RecoverAfter { get; } = TimeSpan.FromSeconds(2);

    public TimeSpan MinActiveDwell { get; } = TimeSpan.FromSeconds(3);

    public TimeSpan DeclareKeepalive { get; } = TimeSpan.FromSeconds(1);

    /// <summary>The fake forge's RunnerOfflineAfter: a runner silent this long is offline in its runner list.</summary>
    public TimeSpan RunnerOfflineAfter { get; } = TimeSpan.FromSeconds(2);

    /// <summary>Slack for a loaded 2-core machine: process start-up, GC pauses, other engineers' builds.</summary>
    public TimeSpan Margin { get; } = TimeSpan.FromSeconds(10);

    /// <summary>The longest a standby takes to call a peer that stopped answering lost: each miss is a read that timed out, then an interval.</summary>
    public TimeSpan PeerLost => PeerLostAfter * (PeerInterval + PeerTimeout);

    /// <summary>The longest between two reads of the waiting jobs (the poll has ±20 % jitter).</summary>
    public TimeSpan JobsPollMax => ForgeJobsPoll * 1.2;
}
