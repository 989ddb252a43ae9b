using System.Security.Cryptography;

namespace KubeRunner.Testing.FakeForge;

// The test-facing side of what a standby reads (standby.md §2.5, §4.9): API tokens, held jobs, queue times.
public sealed partial class FakeForge
{
    /// <summary>Adds a personal access token that may read the API at <paramref name="scope"/>'s level.</summary>
    public string AddApiToken(FakeApiScope scope)
    {
        ArgumentNullException.ThrowIfNull(scope);
        var token = RandomNumberGenerator.GetHexString(40, lowercase: true);
        lock (_state.Gate)
        {
            _state.ApiTokens.Add(token, scope);
        }

        return token;
    }

    /// <summary>Every queued job, finished ones included, in queue order.</summary>
    public IReadOnlyList<FakeQueuedJob> Jobs => Read(() => _state.Jobs.Select(SnapshotJob).ToList());

    public FakeQueuedJob GetJob(long jobId) => Read(() => SnapshotJob(JobRecord(jobId)));

    /// <summary>When the job was queued, by the forge's clock.</summary>
    public DateTimeOffset JobWaitingSince(long jobId) => GetJob(jobId).CreatedAt;

    /// <summary>
    /// Holds the job back, as a concurrency group does (standby.md §4.9 case 9): it stays listed as waiting, and
    /// no FetchTask takes it until <see cref="ReleaseJob"/>.
    /// </summary>
    public void HoldJob(long jobId) => SetHeld(jobId, held: true);

    /// <summary>Ends <see cref="HoldJob"/> and bumps the tasks version, so runners look at the queue again.</summary>
    public void ReleaseJob(long jobId) => SetHeld(jobId, held: false);

    /// <summary>
    /// Records a call of the runner at the forge's current time, as an authenticated RPC does (standby.md §2.4):
    /// last_online, and with <paramref name="active"/> also last_active (an UpdateTask or UpdateLog).
    /// </summary>
    public void MarkRunnerSeen(string uuid, bool active = false)
    {
        lock (_state.Gate)
        {
            var runner = _state.RunnersByUuid.GetValueOrDefault(uuid) ?? throw new KeyNotFoundException($"The fake forge has no runner {uuid}.");
            var now = _state.Now;
            runner.LastOnline = now;
            if (active)
            {
                runner.LastActive = now;
            }

            _state.NotifyChanged();
        }
    }

    /// <summary>The runner's status as the runner lists show it now: offline, idle or active.</summary>
    public string RunnerStatus(string uuid) =>
        Read(() => new ForgeApiViews(_state, _options).Status(
            _state.RunnersByUuid.GetValueOrDefault(uuid) ?? throw new KeyNotFoundException($"The fake forge has no runner {uuid}.")));

    private void SetHeld(long jobId, bool held)
    {
        lock (_state.Gate)
        {
            JobRecord(jobId).Held = held;
            _state.TasksVersion++;
            _state.NotifyChanged();
        }
    }

    private JobRecord JobRecord(long jobId) =>
        _state.Jobs.FirstOrDefault(j => j.Id == jobId) ?? throw new KeyNotFoundException($"The fake forge has no job {jobId}.");

    private FakeQueuedJob SnapshotJob(JobRecord job) => job.Snapshot(job.TaskId == 0 ? null : _state.Tasks.GetValueOrDefault(job.TaskId));
}
