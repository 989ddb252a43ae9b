using KubeRunner.Workflow.Logging;
using KubeRunner.Agent.Reporting;

namespace KubeRunner.Agent.Tests.Reporting;

public sealed class TaskLogTests
{
    private static readonly DateTimeOffset Now = DateTimeOffset.UnixEpoch;

    [Fact]
    public void Append_NumbersRowsFromZero()
    {
        var log = new TaskLog(new SecretMasker(), 1000);

        Assert.Equal(0, log.Append("a", Now));
        Assert.Equal(1, log.Append("b", Now));
        Assert.Equal(2, log.Total);
        Assert.Equal(2, log.SealedEnd);
    }

    [Fact]
    public void NextBatch_RespectsRowAndByteCaps_ButAlwaysTakesOneRow()
    {
        var log = new TaskLog(new SecretMasker(), 100_000);
        for (var i = 0; i < 10; i++)
        {
            log.Append(new string('x', 100), Now);
        }

        Assert.Equal(3, log.NextBatch(maxRows: 3, maxBytes: 1_000_000).Rows.Count);
        Assert.Equal(2, log.NextBatch(maxRows: 100, maxBytes: 250).Rows.Count);
        Assert.Single(log.NextBatch(maxRows: 100, maxBytes: 1).Rows);
    }

    [Fact]
    public void Acknowledge_DropsConfirmedRowsAndResendsFromTheAck()
    {
        var log = new TaskLog(new SecretMasker(), 1000);
        foreach (var content in new[] { "a", "b", "c", "d" })
        {
            log.Append(content, Now);
        }

        Assert.Equal(AckOutcome.Accepted, log.Acknowledge(3));
        var (index, rows) = log.NextBatch(10, 10_000);

        Assert.Equal(3, index);
        Assert.Equal(["d"], rows.Select(r => r.Content));
        Assert.Equal(1, log.UnsentSealedRows);
    }

    [Fact]
    public void Acknowledge_Backwards_IsReportedAndChangesNothing()
    {
        var log = new TaskLog(new SecretMasker(), 1000);
        log.Append("a", Now);
        log.Append("b", Now);
        log.Acknowledge(2);

        Assert.Equal(AckOutcome.Backwards, log.Acknowledge(1));
        Assert.Equal(2, log.Acknowledged);
    }

    [Fact]
    public void Acknowledge_BeyondWhatWasSent_IsReportedAndClamped()
    {
        var log = new TaskLog(new SecretMasker(), 1000);
        log.Append("a", Now);

        Assert.Equal(AckOutcome.BeyondSent, log.Acknowledge(5));
        Assert.Equal(1, log.Acknowledged);
        Assert.Equal(0, log.UnsentSealedBytes);
    }

    [Fact]
    public void Append_MultiLineSecret_HoldsRowsOpenUntilTheSecretCanNoLongerEndThere()
    {
        var masker = new SecretMasker();
        masker.Add("one\ntwo\nthree");
        var log = new TaskLog(masker, 1000);

        log.Append("x one", Now);
        log.Append("two", Now);
        Assert.Equal(0, log.SealedEnd);

        log.Append("three y", Now);
        log.Append("z", Now);
        log.SealAll();

        Assert.Equal(["x ***", "***", "*** y", "z"], log.NextBatch(10, 10_000).Rows.Select(r => r.Content));
    }

    [Fact]
    public void Append_SecretAddedLater_MasksOnlyRowsNotYetSealed()
    {
        var masker = new SecretMasker();
        masker.Add("a\nb");
        var log = new TaskLog(masker, 1000);

        log.Append("sealed later-secret", Now);
        log.Append("open later-secret", Now);
        masker.Add("later-secret");
        log.SealAll();

        var rows = log.NextBatch(10, 10_000).Rows.Select(r => r.Content).ToList();
        Assert.Equal("sealed later-secret", rows[0]);
        Assert.Equal("open ***", rows[1]);
    }

    [Fact]
    public void Append_HugeRow_IsCutWithANote()
    {
        var log = new TaskLog(new SecretMasker(), maxRowLength: 10);

        log.Append(new string('x', 25), Now);

        var content = log.NextBatch(1, 1000).Rows[0].Content;
        Assert.StartsWith("xxxxxxxxxx …", content, StringComparison.Ordinal);
        Assert.Contains("15 more characters", content, StringComparison.Ordinal);
    }
}
