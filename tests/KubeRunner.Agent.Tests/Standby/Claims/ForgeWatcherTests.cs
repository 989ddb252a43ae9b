using KubeRunner.Agent.Labels;
using KubeRunner.Agent.Standby.Claims;
using KubeRunner.Agent.Standby.ForgeApi;
using static KubeRunner.Agent.Tests.Standby.StandbyBed;

namespace KubeRunner.Agent.Tests.Standby.Claims;

/// <summary>What the standby learns from the forge's API, read on a fake clock through a scripted API.</summary>
public sealed class ForgeWatcherTests : IDisposable
{
    private static readonly TimeSpan Step = TimeSpan.FromMilliseconds(500);
    private static readonly TimeSpan Limit = TimeSpan.FromMinutes(10);

    private readonly StandbyBed _bed = new();
    private readonly ScriptedApi _api;

    public ForgeWatcherTests() => _api = new ScriptedApi(_bed.Time);

    public void Dispose() => _bed.Dispose();

    [Fact]
    public async Task Watch_JobsRead_BookFollowsTheList()
    {
        _api.Jobs = call => Ok<WaitingJob>(call == 1 ? [Job(1), Job(2)] : [Job(2)]);
        using var watcher = await StartAsync();

        await _bed.AdvanceUntilAsync(() => _api.JobCalls.Count >= 1 && _bed.Jobs.Count == 2, Step, Limit, "two jobs in the book");
        Assert.Equal(ApiAvailability.Available, _bed.Forge.Jobs);
        await _bed.AdvanceUntilAsync(() => _bed.Jobs.Count == 1, Step, Limit, "one job in the book");
        await watcher.StopAsync(CancellationToken.None);

        Assert.Equal(["fenced"], _api.LabelsAsked);
        // forge_jobs_poll 5 s ± 20 % (the upper bound is generous: the fake clock may move on before the loop waits).
        Assert.InRange(_api.JobCalls[1] - _api.JobCalls[0], TimeSpan.FromSeconds(4), TimeSpan.FromSeconds(15));
    }

    [Fact]
    public async Task Watch_JobsFailAfterWorking_BookClearedUnreachableLoggedOnce()
    {
        _api.Jobs = call => call == 1 ? Ok<WaitingJob>([Job(1)]) : Fail<WaitingJob>(ForgeApiOutcome.Failed, "HTTP 502");
        using var watcher = await StartAsync();

        await _bed.AdvanceUntilAsync(() => _bed.Forge.Jobs == ApiAvailability.Unreachable, Step, Limit, "unreachable");
        Assert.Equal(0, _bed.Jobs.Count);
        // Still a forge with a job list: no claim and no take-over on the heartbeat alone while it is down.
        Assert.True(_bed.Forge.JobsVisible);
        await _bed.AdvanceUntilAsync(() => _api.JobCalls.Count >= 4, Step, Limit, "read four times");
        await watcher.StopAsync(CancellationToken.None);

        var failed = Assert.Single(_bed.Log.Entries, e => e.Message.StartsWith("Reading the forge's", StringComparison.Ordinal));
        Assert.Equal("Reading the forge's waiting jobs failed: HTTP 502; no job is claimed until it is read again", failed.Message);
    }

    [Fact]
    public async Task Watch_JobsFailFromTheStart_NotTakenForAForgeWithoutTheApi()
    {
        _api.Jobs = _ => Fail<WaitingJob>(ForgeApiOutcome.Failed, "connection refused");
        using var watcher = await StartAsync();

        await _bed.AdvanceUntilAsync(() => _api.JobCalls.Count >= 3, Step, Limit, "read three times");
        await watcher.StopAsync(CancellationToken.None);

        // A forge that is down when the standby starts may still have the API: the heartbeat-only take-over rules stay off.
        Assert.Equal(ApiAvailability.NotYetRead, _bed.Forge.Jobs);
        Assert.True(_bed.Forge.JobsVisible);
        Assert.Single(_bed.Log.Entries, e => e.Message.StartsWith("Reading the forge's waiting jobs failed: connection refused", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Watch_JobsBackAfterFailing_AgesStartAgain()
    {
        _api.Jobs = call => call switch
        {
            1 => Ok<WaitingJob>([Job(1)]),
            2 => Fail<WaitingJob>(ForgeApiOutcome.Failed, "timed out"),
            _ => Ok<WaitingJob>([Job(1)]),
        };
        using var watcher = await StartAsync();

        await _bed.AdvanceUntilAsync(() => _api.JobCalls.Count >= 3 && _bed.Jobs.Count == 1, Step, Limit, "read again");
        await watcher.StopAsync(CancellationToken.None);

        Assert.Equal(ApiAvailability.Available, _bed.Forge.Jobs);
        Assert.True(_bed.Jobs.OldestAge < _api.JobCalls[2] - _api.JobCalls[0], $"job 1 aged {_bed.Jobs.OldestAge}");
    }

    [Theory]
    [InlineData(nameof(ForgeApiOutcome.Unsupported), nameof(ApiAvailability.Unsupported))]
    [InlineData(nameof(ForgeApiOutcome.Refused), nameof(ApiAvailability.Refused))]
    public async Task Watch_JobsApiUnusable_HeartbeatOnlyAndLookedAtAgainAfterFiveMinutes(string outcomeName, string expectedName)
    {
        var outcome = Enum.Parse<ForgeApiOutcome>(outcomeName);
        var expected = Enum.Parse<ApiAvailability>(expectedName);
        _api.Jobs = call => call == 1 ? Fail<WaitingJob>(outcome, "HTTP 404") : Ok<WaitingJob>([Job(1)]);
        using var watcher = await StartAsync();

        await _bed.AdvanceUntilAsync(() => _bed.Forge.Jobs == expected, Step, Limit, "found unusable");
        Assert.False(_bed.Forge.JobsVisible);
        await _bed.AdvanceUntilAsync(() => _bed.Forge.Jobs == ApiAvailability.Available, TimeSpan.FromSeconds(5), Limit, "looked at again");
        await watcher.StopAsync(CancellationToken.None);

        Assert.InRange(_api.JobCalls[1] - _api.JobCalls[0], TimeSpan.FromMinutes(5), TimeSpan.FromMinutes(6));
        Assert.True(_bed.Forge.JobsVisible);
        Assert.Equal(1, _bed.Jobs.Count);
        var unusable = Assert.Single(_bed.Log.Entries, e => e.Message.StartsWith("The forge's waiting jobs API", StringComparison.Ordinal));
        Assert.Equal("The forge's waiting jobs API cannot be used: HTTP 404. The heartbeat decides without it; looking again in 5 minutes", unusable.Message);
    }

    [Theory]
    [InlineData(nameof(ForgeApiOutcome.Unsupported), nameof(ApiAvailability.Unsupported))]
    [InlineData(nameof(ForgeApiOutcome.Refused), nameof(ApiAvailability.Refused))]
    public async Task Watch_RunnersApiUnusable_NoStatusAndLookedAtAgainAfterFiveMinutes(string outcomeName, string expectedName)
    {
        var outcome = Enum.Parse<ForgeApiOutcome>(outcomeName);
        var expected = Enum.Parse<ApiAvailability>(expectedName);
        _api.Runners = call => call == 1 ? Fail<ForgeRunnerStatus>(outcome, "HTTP 403") : Ok<ForgeRunnerStatus>([Offline]);
        using var watcher = await StartAsync();

        await _bed.AdvanceUntilAsync(() => _bed.Forge.Runners == expected, Step, Limit, "found unusable");
        Assert.Null(_bed.Forge.StatusOf(PrimaryUuid));
        await _bed.AdvanceUntilAsync(() => _bed.Forge.Runners == ApiAvailability.Available, TimeSpan.FromSeconds(5), Limit, "looked at again");
        await watcher.StopAsync(CancellationToken.None);

        Assert.InRange(_api.RunnerCalls[1] - _api.RunnerCalls[0], TimeSpan.FromMinutes(5), TimeSpan.FromMinutes(6));
        Assert.Equal(ForgeRunnerState.Offline, _bed.Forge.StatusOf(PrimaryUuid));
        // The job list is read on its own schedule meanwhile (every 4-6 s, seen in 5 s steps of the fake clock).
        Assert.True(_api.JobCalls.Count >= 25, $"{_api.JobCalls.Count} job reads");
    }

    [Fact]
    public async Task Watch_RunnersRead_EveryForgeStatusPoll()
    {
        using var watcher = await StartAsync();

        await _bed.AdvanceUntilAsync(() => _api.RunnerCalls.Count >= 3, Step, Limit, "read three times");
        await watcher.StopAsync(CancellationToken.None);

        Assert.InRange(_api.RunnerCalls[2] - _api.RunnerCalls[1], TimeSpan.FromSeconds(15), TimeSpan.FromSeconds(25));
    }

    [Fact]
    public async Task Watch_RunnerStatus_ReachesThePeersJudgement()
    {
        _bed.Heartbeat(Status());
        _bed.Miss(3);
        var offline = false;
        _api.Runners = _ => Ok<ForgeRunnerStatus>([Volatile.Read(ref offline) ? Offline : Offline with { Status = ForgeRunnerState.Idle }]);
        using var watcher = await StartAsync();

        await _bed.AdvanceUntilAsync(() => _bed.Coordinator.View().Peers[0].ForgeStatus == "idle", Step, Limit, "idle seen");
        Assert.Equal("unknown", _bed.Coordinator.View().Peers[0].State);
        Volatile.Write(ref offline, true);
        await _bed.AdvanceUntilAsync(() => _bed.Coordinator.View().Peers[0].State == "down", Step, Limit, "judged down");
        await watcher.StopAsync(CancellationToken.None);

        Assert.Equal("offline", _bed.Coordinator.View().Peers[0].ForgeStatus);
        Assert.Contains("the forge says offline", _bed.Coordinator.View().Peers[0].Evidence);
    }

    [Fact]
    public async Task Watch_RunnersFailAfterWorking_LastStatusKeptAsUnreachable()
    {
        _api.Runners = call => call == 1 ? Ok<ForgeRunnerStatus>([Offline]) : Fail<ForgeRunnerStatus>(ForgeApiOutcome.Failed, "HTTP 500");
        using var watcher = await StartAsync();

        await _bed.AdvanceUntilAsync(() => _bed.Forge.Runners == ApiAvailability.Unreachable, Step, Limit, "unreachable");
        await watcher.StopAsync(CancellationToken.None);

        Assert.Equal(ForgeRunnerState.Offline, _bed.Forge.StatusOf(PrimaryUuid));
    }

    private static ForgeRunnerStatus Offline => new(1, PrimaryUuid, "crunchy01", ForgeRunnerState.Offline);

    private static ForgeApiResult<IReadOnlyList<T>> Ok<T>(IReadOnlyList<T> value) => ForgeApiResult<IReadOnlyList<T>>.Success(value);

    private static ForgeApiResult<IReadOnlyList<T>> Fail<T>(ForgeApiOutcome outcome, string problem) => ForgeApiResult<IReadOnlyList<T>>.Fail(outcome, problem);

    private async Task<ForgeWatcher> StartAsync()
    {
        var watcher = new ForgeWatcher(_bed.Coordinator, _api, _bed.Options, new LabelSet(["fenced:host"]), _bed.Metrics, _bed.Time, _bed.Logger<ForgeWatcher>());
        await watcher.StartAsync(CancellationToken.None);
        return watcher;
    }

    /// <summary>Answers as the test says, by call number (from 1), noting when each call came on the fake clock.</summary>
    private sealed class ScriptedApi(TimeProvider time) : IForgeActionsApi
    {
        private readonly List<DateTimeOffset> _jobCalls = [];
        private readonly List<DateTimeOffset> _runnerCalls = [];

        public Func<int, ForgeApiResult<IReadOnlyList<WaitingJob>>> Jobs { get; set; } = _ => Ok<WaitingJob>([]);

        public Func<int, ForgeApiResult<IReadOnlyList<ForgeRunnerStatus>>> Runners { get; set; } = _ => Ok<ForgeRunnerStatus>([]);

        public IReadOnlyCollection<string>? LabelsAsked { get; private set; }

        public List<DateTimeOffset> JobCalls => Copy(_jobCalls);

        public List<DateTimeOffset> RunnerCalls => Copy(_runnerCalls);

        public Task<ForgeApiResult<IReadOnlyList<WaitingJob>>> ListWaitingJobsAsync(IReadOnlyCollection<string> labels, CancellationToken cancellationToken)
        {
            LabelsAsked = labels;
            return Task.FromResult(Jobs(Note(_jobCalls)));
        }

        public Task<ForgeApiResult<IReadOnlyList<ForgeRunnerStatus>>> ListRunnersAsync(CancellationToken cancellationToken) =>
            Task.FromResult(Runners(Note(_runnerCalls)));

        private int Note(List<DateTimeOffset> calls)
        {
            lock (calls)
            {
                calls.Add(time.GetUtcNow());
                return calls.Count;
            }
        }

        private static List<DateTimeOffset> Copy(List<DateTimeOffset> calls)
        {
            lock (calls)
            {
                return [.. calls];
            }
        }
    }
}
