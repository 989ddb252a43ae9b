using Google.Protobuf;
using KubeRunner.Agent.Backends;
using KubeRunner.Agent.Tasks;
using KubeRunner.Agent.Tests.TestSupport;
using KubeRunner.Protocol.Runner.V1;
using KubeRunner.Testing;

namespace KubeRunner.Agent.Tests.Tasks;

public sealed class TaskRunnerTests
{
    [Fact]
    public async Task RunAsync_NoBackendForTheLabel_FailsAtOnceNamingTheLabels()
    {
        await using var harness = await ForgeHarness.StartAsync();
        var task = await harness.ClaimAsync(steps: 2);
        var runner = Runners.Create(harness.Client, backend: null, ["linux:docker://node:22-bookworm", "other:host"]);

        await runner.RunAsync(task, CancellationToken.None);

        var stored = harness.Forge.GetTask(task.Id);
        Assert.Equal(Result.Failure, stored.Result);
        var problem = Assert.Single(stored.LogRows, r => r.Content.StartsWith("This runner cannot run the job", StringComparison.Ordinal)).Content;
        Assert.Contains("runs-on [linux]", problem, StringComparison.Ordinal);
        Assert.Contains("'linux:docker://node:22-bookworm'", problem, StringComparison.Ordinal);
        Assert.Contains("no backend of this kube-runner runs 'docker' labels", problem, StringComparison.Ordinal);
        Assert.All(stored.Steps, s => Assert.Equal(Result.Cancelled, s.Result));
        Assert.True(stored.LogArchived);
    }

    [Fact]
    public async Task RunAsync_UnreadablePayload_FailsWithTheReason()
    {
        await using var harness = await ForgeHarness.StartAsync();
        var task = await harness.ClaimAsync();
        task.WorkflowPayload = ByteString.CopyFromUtf8("jobs:\n  a: {}\n  b: {}\n");
        var runner = Runners.Create(harness.Client, ScriptedBackend.Succeeding(), ["linux:host"]);

        await runner.RunAsync(task, CancellationToken.None);

        var stored = harness.Forge.GetTask(task.Id);
        Assert.Equal(Result.Failure, stored.Result);
        Assert.Contains(stored.LogRows, r => r.Content == "The task's workflow cannot be read: line 2: a task carries exactly one job, this payload has 2");
    }

    [Fact]
    public async Task RunAsync_BackendSucceeds_ReportsSuccessWithItsRows()
    {
        await using var harness = await ForgeHarness.StartAsync();
        var task = await harness.ClaimAsync(steps: 2);
        var runner = Runners.Create(harness.Client, ScriptedBackend.Succeeding(), ["linux:host"]);

        await runner.RunAsync(task, CancellationToken.None);

        var stored = harness.Forge.GetTask(task.Id);
        Assert.Equal(Result.Success, stored.Result);
        Assert.StartsWith("kube-runner ", stored.LogRows[0].Content, StringComparison.Ordinal);
        Assert.Contains($"received task {task.Id}: owner/repo run #", stored.LogRows[0].Content, StringComparison.Ordinal);
        Assert.Equal(["step 0 ran", "step 1 ran"], stored.LogRows.Skip(1).Take(2).Select(r => r.Content));
        Assert.All(stored.Steps, s => Assert.Equal(Result.Success, s.Result));
    }

    [Fact]
    public async Task RunAsync_ForgeCancelsTheTask_BackendIsCancelledAndResultIsCancelled()
    {
        await using var harness = await ForgeHarness.StartAsync();
        var task = await harness.ClaimAsync();
        var started = new TaskCompletionSource();
        var runner = Runners.Create(harness.Client, ScriptedBackend.UntilCancelled(started), ["linux:host"]);

        var run = runner.RunAsync(task, CancellationToken.None);
        await started.Task.WaitAsync(TestTimeouts.Default);
        harness.Forge.CancelTask(task.Id);
        await run.WaitAsync(TestTimeouts.Default);

        var stored = harness.Forge.GetTask(task.Id);
        Assert.Equal(Result.Cancelled, stored.Result);
        Assert.Contains(stored.LogRows, r => r.Content == TaskRunner.ServerCancelMessage);
    }

    [Fact]
    public async Task RunAsync_JobTimeout_CancelsWithForgejoRunnersMessage()
    {
        await using var harness = await ForgeHarness.StartAsync();
        var task = await harness.ClaimAsync();
        var runner = Runners.Create(harness.Client, ScriptedBackend.UntilCancelled(), ["linux:host"], jobTimeout: TimeSpan.FromMilliseconds(200));

        await runner.RunAsync(task, CancellationToken.None).WaitAsync(TestTimeouts.Default);

        var stored = harness.Forge.GetTask(task.Id);
        Assert.Equal(Result.Cancelled, stored.Result);
        Assert.Contains(stored.LogRows, r => r.Content == "The runner cancelled the job because it exceeds the maximum run time");
    }

    [Fact]
    public async Task RunAsync_BackendThrows_FailsWithTheErrorInTheLog()
    {
        await using var harness = await ForgeHarness.StartAsync();
        var task = await harness.ClaimAsync();
        var backend = new ScriptedBackend((_, _) => throw new InvalidOperationException("pod vanished"));
        var runner = Runners.Create(harness.Client, backend, ["linux:host"]);

        await runner.RunAsync(task, CancellationToken.None);

        var stored = harness.Forge.GetTask(task.Id);
        Assert.Equal(Result.Failure, stored.Result);
        Assert.Contains(stored.LogRows, r => r.Content == "The runner failed to run the job: pod vanished");
    }

    [Fact]
    public async Task RunAsync_BackendReportsItsOwnOutcomeAfterCancel_KeepsTheBackendsResult()
    {
        await using var harness = await ForgeHarness.StartAsync();
        var task = await harness.ClaimAsync();
        var started = new TaskCompletionSource();
        var backend = new ScriptedBackend(async (_, cancellationToken) =>
        {
            started.SetResult();
            var cancelled = new TaskCompletionSource();
            await using var registration = cancellationToken.Register(() => cancelled.SetResult());
            await cancelled.Task;
            return new JobOutcome(Result.Failure, "cleanup step failed");
        });
        var runner = Runners.Create(harness.Client, backend, ["linux:host"]);

        var run = runner.RunAsync(task, CancellationToken.None);
        await started.Task.WaitAsync(TestTimeouts.Default);
        harness.Forge.CancelTask(task.Id);
        await run.WaitAsync(TestTimeouts.Default);

        var rows = harness.Forge.GetTask(task.Id).LogRows.Select(r => r.Content).ToList();
        Assert.Contains($"{TaskRunner.ServerCancelMessage}. cleanup step failed", rows);
        Assert.Equal("🏁 Job failed", rows[^1]);
    }
}
