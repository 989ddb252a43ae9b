using Google.Protobuf.WellKnownTypes;
using KubeRunner.Agent.Reporting;
using KubeRunner.Protocol.Runner.V1;

namespace KubeRunner.Agent.Tests.Reporting;

public sealed class TaskProgressTests
{
    private static readonly Timestamp T0 = Timestamp.FromDateTimeOffset(DateTimeOffset.UnixEpoch);

    [Fact]
    public void Steps_RecordRangeOfTheirRows()
    {
        var progress = new TaskProgress(7, 3, T0);

        progress.StepStarted(0, T0, nextRow: 2);
        progress.CountRow(0, 2);
        progress.CountRow(0, 3);
        progress.StepFinished(0, Result.Success, T0, nextRow: 4);
        progress.StepStarted(1, T0, nextRow: 4);
        progress.StepFinished(1, Result.Failure, T0, nextRow: 4);

        var (state, _) = progress.Snapshot();
        Assert.Equal(7, state.Id);
        Assert.Equal([0L, 1L, 2L], state.Steps.Select(s => s.Id));
        Assert.Equal((2L, 2L, Result.Success), (state.Steps[0].LogIndex, state.Steps[0].LogLength, state.Steps[0].Result));
        Assert.Equal((4L, 0L, Result.Failure), (state.Steps[1].LogIndex, state.Steps[1].LogLength, state.Steps[1].Result));
    }

    [Theory]
    [InlineData(Result.Failure, Result.Cancelled)]
    [InlineData(Result.Cancelled, Result.Cancelled)]
    [InlineData(Result.Skipped, Result.Skipped)]
    public void Finish_UnfinishedStepsGetCancelledOrSkipped(Result job, Result unfinished)
    {
        var progress = new TaskProgress(1, 2, T0);
        progress.StepFinished(0, Result.Success, T0, 0);

        progress.Finish(job, T0);

        var (state, _) = progress.Snapshot();
        Assert.Equal(job, state.Result);
        Assert.Equal([Result.Success, unfinished], state.Steps.Select(s => s.Result));
        Assert.NotNull(state.StoppedAt);
    }

    [Fact]
    public void AddOutputs_EnforcesForgejoLimitsAndFirstValueWins()
    {
        var progress = new TaskProgress(1, 0, T0);

        var refused = progress.AddOutputs(new Dictionary<string, string>
        {
            ["ok"] = "1",
            [new string('k', 256)] = "v",
            ["big"] = new string('v', TaskProgress.MaxOutputValueBytes + 1),
        });
        refused.AddRange(progress.AddOutputs(new Dictionary<string, string> { ["ok"] = "2" }));

        Assert.Equal(3, refused.Count);
        Assert.Contains(refused, m => m.Contains("longer than 255", StringComparison.Ordinal));
        Assert.Contains(refused, m => m.Contains("\"big\"", StringComparison.Ordinal));
        Assert.Contains(refused, m => m.Contains("already exists for the key \"ok\"", StringComparison.Ordinal));
        Assert.Equal(new Dictionary<string, string> { ["ok"] = "1" }, progress.Snapshot().Outputs);
    }

    [Fact]
    public void AcknowledgeOutputs_StopsSendingAcknowledgedKeys()
    {
        var progress = new TaskProgress(1, 0, T0);
        progress.AddOutputs(new Dictionary<string, string> { ["a"] = "1", ["b"] = "2" });

        progress.AcknowledgeOutputs(["a"]);

        Assert.True(progress.HasUnsentOutputs);
        Assert.Equal(["b"], progress.Snapshot().Outputs.Keys);
        progress.AcknowledgeOutputs(["b", "unknown"]);
        Assert.False(progress.HasUnsentOutputs);
    }
}
