using KubeRunner.Agent.Tasks;
using KubeRunner.Agent.Tests.TestSupport;
using KubeRunner.Protocol.Runner.V1;
using KubeRunner.Testing;
using KubeRunner.Testing.FakeForge;
using Microsoft.Extensions.Logging;

namespace KubeRunner.Agent.Tests.Reporting;

public sealed class TaskReporterTests
{
    [Fact]
    public async Task CompleteAsync_AfterSteps_ForgeHasMaskedRowsStepRangesOutputsAndFinalStateLast()
    {
        await using var harness = await ForgeHarness.StartAsync();
        var task = await harness.ClaimAsync(steps: 2, secrets: new Dictionary<string, string> { ["PASSWORD"] = "hunter2" });
        await using var reporter = Reporters.For(task, harness.Client, steps: 2);
        reporter.Start();
        var t = DateTimeOffset.UtcNow;

        reporter.Log("setting up");
        reporter.StepStarted(0, t);
        reporter.StepLog(0, "password is hunter2", t);
        reporter.StepLog(0, "::add-mask::bob", t);
        reporter.StepLog(0, "bob was here\r\n", t);
        reporter.StepFinished(0, Result.Success, t);
        reporter.StepStarted(1, t);
        reporter.StepLog(1, "::group::Compile", t);
        reporter.StepFinished(1, Result.Failure, t);
        reporter.SetOutputs(new Dictionary<string, string> { ["artifact"] = "tiles.mbtiles" });
        var delivered = await reporter.CompleteAsync(Result.Failure, "step 2 failed", CancellationToken.None);

        Assert.True(delivered);
        var stored = harness.Forge.GetTask(task.Id);
        Assert.Equal(
            ["setting up", "password is ***", "*** was here", "##[group]Compile", "step 2 failed", "🏁 Job failed"],
            stored.LogRows.Select(r => r.Content));
        Assert.Equal((1L, 2L, Result.Success), (stored.Steps[0].LogIndex, stored.Steps[0].LogLength, stored.Steps[0].Result));
        Assert.Equal((3L, 1L, Result.Failure), (stored.Steps[1].LogIndex, stored.Steps[1].LogLength, stored.Steps[1].Result));
        Assert.Equal(Result.Failure, stored.Result);
        Assert.True(stored.LogArchived);
        Assert.Equal("tiles.mbtiles", stored.Outputs["artifact"]);
        AssertFinalStateAfterArchivedLog(stored);
    }

    [Theory]
    [InlineData(true, Result.Cancelled)]
    [InlineData(false, Result.Failure)]
    public async Task ServerStop_ForgeCancelsOrFailsTask_IsSignalledWithItsResult(bool userCancel, Result expected)
    {
        await using var harness = await ForgeHarness.StartAsync();
        var task = await harness.ClaimAsync();
        await using var reporter = Reporters.For(task, harness.Client, steps: 2);
        reporter.Start();

        if (userCancel)
        {
            harness.Forge.CancelTask(task.Id);
        }
        else
        {
            harness.Forge.FailTask(task.Id);
        }

        await WaitCancelledAsync(reporter.ServerStop);
        Assert.Equal(expected, reporter.ServerResult);
    }

    [Fact]
    public async Task CompleteAsync_LogClosedByAnEarlierProcess_WarnsWithoutErrorAndTheForgeKeepsTheFirstReport()
    {
        await using var harness = await ForgeHarness.StartAsync();
        var task = await harness.ClaimAsync();
        await using (var first = Reporters.For(task, harness.Client, steps: 2))
        {
            Assert.True(await first.CompleteAsync(Result.Success, null, CancellationToken.None));
        }

        // A later agent process that had not forgotten the task reports it again, with a row of its own.
        var log = new CapturingLogger();
        using var logs = LoggerFactory.Create(b => b.AddProvider(new CapturingLoggerProvider(log)));
        await using var again = new TaskReporterFactory(harness.Client, Reporters.Fast, TimeProvider.System, logs).Create(task, 2);
        again.Log("taken over after a restart");
        var delivered = await again.CompleteAsync(Result.Success, null, CancellationToken.None);

        Assert.False(delivered);
        Assert.Contains(log.Entries, e => e.Level == LogLevel.Warning && e.Message.Contains("the forge closed this task's log already", StringComparison.Ordinal));
        Assert.DoesNotContain(log.Entries, e => e.Level >= LogLevel.Error);
        var stored = harness.Forge.GetTask(task.Id);
        Assert.Equal(Result.Success, stored.Result);
        Assert.DoesNotContain(stored.LogRows, r => r.Content == "taken over after a restart");
    }

    [Fact]
    public async Task CompleteAsync_LogsRefusedForGood_StillDeliversFinalState()
    {
        await using var harness = await ForgeHarness.StartAsync();
        var task = await harness.ClaimAsync();
        await using var reporter = Reporters.For(task, harness.Client, steps: 2);
        harness.Forge.Faults.FailNext(ForgeMethod.UpdateLog, 1000, 400, "invalid_argument", "rows refused");

        var delivered = await reporter.CompleteAsync(Result.Success, null, CancellationToken.None);

        Assert.False(delivered);
        var stored = harness.Forge.GetTask(task.Id);
        Assert.Equal(Result.Success, stored.Result);
        Assert.Empty(stored.LogRows);
        // A refusal that cannot change is not retried.
        Assert.Equal(1, harness.Forge.Journal.Count(ForgeMethod.UpdateLog));
    }

    [Fact]
    public async Task CompleteAsync_ForgeUnavailableForAWhile_RetriesUntilDelivered()
    {
        await using var harness = await ForgeHarness.StartAsync();
        var task = await harness.ClaimAsync();
        await using var reporter = Reporters.For(task, harness.Client, steps: 2);
        reporter.SetOutputs(new Dictionary<string, string> { ["k"] = "v" });
        harness.Forge.Faults.FailNext(ForgeMethod.UpdateLog, 3);
        harness.Forge.Faults.FailNext(ForgeMethod.UpdateTask, 3);

        var delivered = await reporter.CompleteAsync(Result.Success, null, CancellationToken.None);

        Assert.True(delivered);
        var stored = harness.Forge.GetTask(task.Id);
        Assert.Equal(Result.Success, stored.Result);
        Assert.Equal("v", stored.Outputs["k"]);
        Assert.True(stored.LogArchived);
    }

    [Fact]
    public async Task CompleteAsync_RetriesExhausted_GivesUpAndSaysSo()
    {
        await using var harness = await ForgeHarness.StartAsync();
        var task = await harness.ClaimAsync();
        await using var reporter = Reporters.For(task, harness.Client, steps: 1, Reporters.Fast with { MaxRetries = 3 });
        harness.Forge.Faults.FailNext(ForgeMethod.UpdateLog, 1000);
        harness.Forge.Faults.FailNext(ForgeMethod.UpdateTask, 1000);

        var delivered = await reporter.CompleteAsync(Result.Success, null, CancellationToken.None);

        Assert.False(delivered);
        Assert.Equal(3, harness.Forge.Journal.Count(ForgeMethod.UpdateLog));
        Assert.Equal(3, harness.Forge.Journal.Count(ForgeMethod.UpdateTask));
    }

    [Fact]
    public async Task Cycles_LargeBacklog_SentInCappedRequestsWithoutWaitingForTheInterval()
    {
        await using var harness = await ForgeHarness.StartAsync();
        var task = await harness.ClaimAsync();
        var options = Reporters.Fast with { ReportInterval = TimeSpan.FromHours(1), MaxRowsPerRequest = 100 };
        await using var reporter = Reporters.For(task, harness.Client, steps: 1, options);
        // The whole backlog exists before the first cycle: a cycle that ran while rows were still being
        // written would leave the later ones for the next interval (an hour here), as it should.
        for (var i = 0; i < 1000; i++)
        {
            reporter.Log($"row {i}");
        }

        reporter.Start();

        var stored = await harness.Forge.WaitForTaskAsync(task.Id, t => t.LogRows.Count >= 1000, TestTimeouts.Default);
        Assert.Equal(Enumerable.Range(0, 1000).Select(i => $"row {i}"), stored.LogRows.Select(r => r.Content));
        Assert.InRange(harness.Forge.Journal.Count(ForgeMethod.UpdateLog), 10, 11);
    }

    internal static void AssertFinalStateAfterArchivedLog(FakeTask stored)
    {
        var archived = stored.Journal.ToList().FindIndex(e => e.Kind == FakeTaskEventKind.LogArchived);
        var final = stored.Journal.ToList().FindIndex(e => e.Kind == FakeTaskEventKind.FinalState);
        Assert.True(archived >= 0, "the log was archived (no_more with rows)");
        Assert.True(final > archived, $"the final state came after the last rows: {string.Join("; ", stored.Journal)}");
    }

    private static async Task WaitCancelledAsync(CancellationToken token)
    {
        var cancelled = new TaskCompletionSource();
        using var registration = token.Register(() => cancelled.TrySetResult());
        await cancelled.Task.WaitAsync(TestTimeouts.Default, CancellationToken.None);
    }
}
