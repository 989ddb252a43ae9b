using KubeRunner.Agent.Backends;
using KubeRunner.Agent.Scheduling;
using KubeRunner.Agent.Tasks;
using KubeRunner.Agent.Tests.TestSupport;
using KubeRunner.Protocol.Runner.V1;
using KubeRunner.Testing;
using KubeRunner.Testing.FakeForge;
using Microsoft.Extensions.Logging.Abstractions;

namespace KubeRunner.Agent.Tests.Scheduling;

public sealed class TaskPollerTests
{
    private static readonly PollerOptions Fast = new()
    {
        Capacity = 1,
        FetchInterval = TimeSpan.FromMilliseconds(20),
        FetchTimeout = TimeSpan.FromSeconds(5),
    };

    [Fact]
    public async Task Poll_TasksVersion_FollowsForgejoRunnersRules()
    {
        await using var harness = await ForgeHarness.StartAsync();
        using var poller = Poller(harness, ScriptedBackend.Succeeding(), Fast);
        await poller.StartAsync(CancellationToken.None);

        // Idle: 0 first, then the forge's version, which keeps the forge on its cheap path.
        await harness.Forge.Journal.WaitForAsync(r => SentVersion(r) is > 0, TestTimeouts.Default);
        var idleVersion = harness.Forge.TasksVersion;
        var job = harness.Forge.EnqueueJob(new FakeJob { WorkflowYaml = ForgeHarness.Workflow(1), RunsOn = ["linux"] });
        await harness.Forge.WaitForTaskAsync(t => t.JobId == job && t.IsDone, TestTimeouts.Default);
        // After a task the runner sends 0 again, making the forge look at its queue.
        var afterTask = await harness.Forge.Journal.WaitForAsync(r => r.Time > harness.Forge.FindTaskForJob(job)!.StartedAt && SentVersion(r) == 0, TestTimeouts.Default);
        await poller.StopAsync(CancellationToken.None);

        var versions = harness.Forge.Journal.Requests.Where(r => r.Method == ForgeMethod.FetchTask).Select(SentVersion).ToList();
        Assert.Equal(0, versions[0]);
        Assert.Contains(idleVersion, versions);
        Assert.NotNull(afterTask);
        Assert.Equal(Result.Success, harness.Forge.FindTaskForJob(job)!.Result);
    }

    [Fact]
    public async Task Poll_CapacityFull_NoFetchUntilATaskEnds()
    {
        await using var harness = await ForgeHarness.StartAsync();
        var release = new TaskCompletionSource();
        var started = 0;
        var bothStarted = new TaskCompletionSource();
        var backend = new ScriptedBackend(async (_, _) =>
        {
            if (Interlocked.Increment(ref started) == 2)
            {
                bothStarted.SetResult();
            }

            await release.Task;
            return new JobOutcome(Result.Success);
        });
        var jobs = Enumerable.Range(0, 3).Select(_ => harness.Forge.EnqueueJob(new FakeJob { WorkflowYaml = ForgeHarness.Workflow(1), RunsOn = ["linux"] })).ToList();
        using var poller = Poller(harness, backend, Fast with { Capacity = 2 });

        await poller.StartAsync(CancellationToken.None);
        await bothStarted.Task.WaitAsync(TestTimeouts.Default);
        var fetchesWhileFull = harness.Forge.Journal.Count(ForgeMethod.FetchTask);
        await Task.Delay(Fast.FetchInterval * 10);

        Assert.Equal(fetchesWhileFull, harness.Forge.Journal.Count(ForgeMethod.FetchTask));
        Assert.Null(harness.Forge.FindTaskForJob(jobs[2]));
        release.SetResult();
        await harness.Forge.WaitForTaskAsync(t => t.JobId == jobs[2] && t.IsDone, TestTimeouts.Default);
        await poller.StopAsync(CancellationToken.None);
        Assert.All(jobs, j => Assert.Equal(Result.Success, harness.Forge.FindTaskForJob(j)!.Result));
    }

    [Fact]
    public async Task Poll_FetchAnswerLost_SameRequestKeyRecoversTheAssignedTask()
    {
        await using var harness = await ForgeHarness.StartAsync();
        var job = harness.Forge.EnqueueJob(new FakeJob { WorkflowYaml = ForgeHarness.Workflow(1), RunsOn = ["linux"] });
        harness.Forge.Faults.DropResponseNext(ForgeMethod.FetchTask, 1);
        using var poller = Poller(harness, ScriptedBackend.Succeeding(), Fast);

        await poller.StartAsync(CancellationToken.None);
        var done = await harness.Forge.WaitForTaskAsync(t => t.JobId == job && t.IsDone, TestTimeouts.Default);
        var firstKey = harness.Forge.Journal.Requests.First(r => r.Method == ForgeMethod.FetchTask).RequestKey;
        // After an answer the key is replaced.
        await harness.Forge.Journal.WaitForAsync(r => r.Method == ForgeMethod.FetchTask && r.RequestKey != firstKey, TestTimeouts.Default);
        await poller.StopAsync(CancellationToken.None);

        Assert.Equal(Result.Success, done.Result);
        Assert.Contains(done.Journal, e => e.Kind == FakeTaskEventKind.RecoveredByRequestKey);
        var fetches = harness.Forge.Journal.Requests.Where(r => r.Method == ForgeMethod.FetchTask).ToList();
        Assert.True(fetches[0].ResponseDropped);
        Assert.Equal(fetches[0].RequestKey, fetches[1].RequestKey);
        Assert.NotEqual(fetches[1].RequestKey, fetches[2].RequestKey);
    }

    [Fact]
    public async Task Stop_NoShutdownTimeout_CancelsRunningTaskWhichStillReports()
    {
        await using var harness = await ForgeHarness.StartAsync();
        var started = new TaskCompletionSource();
        var job = harness.Forge.EnqueueJob(new FakeJob { WorkflowYaml = ForgeHarness.Workflow(2), RunsOn = ["linux"] });
        using var poller = Poller(harness, ScriptedBackend.UntilCancelled(started), Fast);

        await poller.StartAsync(CancellationToken.None);
        await started.Task.WaitAsync(TestTimeouts.Default);
        await poller.StopAsync(CancellationToken.None);
        var fetchesAtStop = harness.Forge.Journal.Count(ForgeMethod.FetchTask);

        var task = harness.Forge.FindTaskForJob(job)!;
        Assert.Equal(Result.Cancelled, task.Result);
        Assert.Contains(task.LogRows, r => r.Content == TaskRunner.ShutdownMessage);
        Assert.True(task.LogArchived);
        await Task.Delay(Fast.FetchInterval * 5);
        Assert.Equal(fetchesAtStop, harness.Forge.Journal.Count(ForgeMethod.FetchTask));
    }

    [Fact]
    public async Task Stop_WithShutdownTimeout_LetsRunningTaskFinish()
    {
        await using var harness = await ForgeHarness.StartAsync();
        var started = new TaskCompletionSource();
        var finish = new TaskCompletionSource();
        var backend = new ScriptedBackend(async (_, cancellationToken) =>
        {
            started.SetResult();
            await finish.Task.WaitAsync(cancellationToken);
            return new JobOutcome(Result.Success);
        });
        var job = harness.Forge.EnqueueJob(new FakeJob { WorkflowYaml = ForgeHarness.Workflow(1), RunsOn = ["linux"] });
        using var poller = Poller(harness, backend, Fast with { ShutdownTimeout = TimeSpan.FromMinutes(5) });

        await poller.StartAsync(CancellationToken.None);
        await started.Task.WaitAsync(TestTimeouts.Default);
        var stopping = poller.StopAsync(CancellationToken.None);
        Assert.False(stopping.IsCompleted);
        finish.SetResult();
        await stopping.WaitAsync(TestTimeouts.Default);

        Assert.Equal(Result.Success, harness.Forge.FindTaskForJob(job)!.Result);
    }

    [Fact]
    public async Task Stop_FetchInFlight_TaskItBringsIsNotLost()
    {
        await using var harness = await ForgeHarness.StartAsync();
        using var hold = harness.Forge.Faults.Hold(ForgeMethod.FetchTask);
        var job = harness.Forge.EnqueueJob(new FakeJob { WorkflowYaml = ForgeHarness.Workflow(1), RunsOn = ["linux"] });
        using var poller = Poller(harness, ScriptedBackend.UntilCancelled(), Fast);

        await poller.StartAsync(CancellationToken.None);
        await hold.WaitForCallAsync(TestTimeouts.Default);
        var stopping = poller.StopAsync(CancellationToken.None);
        hold.Release();
        await stopping.WaitAsync(TestTimeouts.Default);

        // The fetch completed and its task was run (and, with no shutdown_timeout, cancelled), never abandoned.
        var task = harness.Forge.FindTaskForJob(job)!;
        Assert.True(task.IsDone);
        Assert.Equal(Result.Cancelled, task.Result);
    }

    private static TaskPoller Poller(ForgeHarness harness, IJobBackend backend, PollerOptions options) =>
        new(harness.Client, Runners.Create(harness.Client, backend, ["linux:host"]), options, TimeProvider.System, NullLogger<TaskPoller>.Instance);

    private static long? SentVersion(ForgeRequest request) => (request.Message as FetchTaskRequest)?.TasksVersion;
}
