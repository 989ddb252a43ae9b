using KubeRunner.Agent.Tests.TestSupport;
using KubeRunner.Protocol.Runner.V1;
using KubeRunner.Testing.FakeForge;

namespace KubeRunner.Agent.Tests.Reporting;

public sealed class ReporterUnderFaultsTests
{
    private const int Rows = 100_000;

    /// <summary>
    /// The reporter's promise: whatever the forge does to individual calls, it ends with exactly the
    /// rows produced, in order, none twice, none missing, and the final state after the final rows.
    /// </summary>
    [Fact]
    public async Task HundredThousandRows_TenPercent503AndTenPercentDroppedAnswers_ForgeHasExactlyTheRows()
    {
        await using var harness = await ForgeHarness.StartAsync();
        var task = await harness.ClaimAsync(steps: 1);
        var faults = harness.Forge.Faults;
        // Seeded: the same calls fail on every run. FailRandomly answers 503 before storing,
        // DropResponseRandomly stores and then cuts the connection.
        faults.FailRandomly(ForgeMethod.UpdateLog, 0.10, seed: 11);
        faults.DropResponseRandomly(ForgeMethod.UpdateLog, 0.10, seed: 12);
        faults.FailRandomly(ForgeMethod.UpdateTask, 0.10, seed: 13);
        faults.DropResponseRandomly(ForgeMethod.UpdateTask, 0.10, seed: 14);
        var options = Reporters.Fast with { ReportInterval = TimeSpan.FromMilliseconds(5), MaxRowsPerRequest = 1_000 };
        await using var reporter = Reporters.For(task, harness.Client, steps: 1, options);
        reporter.Start();

        var time = DateTimeOffset.UtcNow;
        reporter.StepStarted(0, time);
        for (var i = 0; i < Rows; i++)
        {
            reporter.StepLog(0, $"row {i:D6}", time);
            if (i % 2_000 == 0)
            {
                // Let batches go out while rows are still being produced.
                await Task.Delay(1);
            }
        }

        reporter.StepFinished(0, Result.Success, time);
        var delivered = await reporter.CompleteAsync(Result.Success, null, CancellationToken.None);

        Assert.True(delivered);
        var stored = harness.Forge.GetTask(task.Id);
        var contents = stored.LogRows.Select(r => r.Content).ToList();
        Assert.Equal(Rows + 1, contents.Count);
        for (var i = 0; i < Rows; i++)
        {
            if (contents[i] != $"row {i:D6}")
            {
                Assert.Fail($"row {i} is '{contents[i]}'");
            }
        }

        Assert.Equal("🏁 Job succeeded", contents[^1]);
        Assert.Equal((0L, (long)Rows, Result.Success), (stored.Steps[0].LogIndex, stored.Steps[0].LogLength, stored.Steps[0].Result));
        Assert.Equal(Result.Success, stored.Result);
        TaskReporterTests.AssertFinalStateAfterArchivedLog(stored);
        // The faults really happened: otherwise this test proves nothing.
        var requests = harness.Forge.Journal.Requests.Where(r => r.Method == ForgeMethod.UpdateLog).ToList();
        Assert.Contains(requests, r => r.ResponseDropped);
        Assert.Contains(requests, r => r.StatusCode == 503);
    }
}
