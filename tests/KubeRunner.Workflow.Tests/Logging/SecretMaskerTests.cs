using KubeRunner.Workflow.Logging;

namespace KubeRunner.Workflow.Tests.Logging;

public sealed class SecretMaskerTests
{
    [Theory]
    [InlineData("token is s3cr3t!", "token is ***")]
    [InlineData("s3cr3t!s3cr3t!", "******")]
    [InlineData("nothing here", "nothing here")]
    [InlineData("", "")]
    public void MaskRow_SingleLineSecret_ReplacesEveryOccurrence(string row, string expected)
    {
        var masker = new SecretMasker();
        masker.Add("s3cr3t!");

        Assert.Equal(expected, masker.MaskRow(row));
    }

    [Fact]
    public void MaskRow_SecretContainingAnother_MasksTheLongestWhole()
    {
        var masker = new SecretMasker();
        masker.Add("abcd");
        masker.Add("abcdefgh");

        Assert.Equal("x *** y ***", masker.MaskRow("x abcdefgh y abcd"));
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("   ")]
    public void Add_EmptyOrBlank_MasksNothing(string? secret)
    {
        var masker = new SecretMasker();
        masker.Add(secret);

        Assert.Equal("a b  c", masker.MaskRow("a b  c"));
        Assert.Equal(1, masker.MaxLines);
    }

    [Fact]
    public void MaskRow_MultiLineSecretPrintedEscaped_IsMasked()
    {
        var masker = new SecretMasker();
        masker.Add("line-one\nline-two");

        Assert.Equal("json: \"***\"", masker.MaskRow("json: \"line-one\\nline-two\""));
        Assert.Equal(2, masker.MaxLines);
    }

    [Fact]
    public void MaskRow_LineOfMultiLineSecret_IsMaskedAlone()
    {
        var masker = new SecretMasker();
        masker.Add("-----BEGIN KEY-----\nMIIEvQIBADANBgkq\n-----END KEY-----");

        Assert.Equal("grep found ***", masker.MaskRow("grep found MIIEvQIBADANBgkq"));
    }

    [Fact]
    public void MaskSpanEndingAtLast_SecretAcrossRows_MasksTheSpanOnly()
    {
        var masker = new SecretMasker();
        masker.Add("first\nmiddle\nlast");
        var rows = Rows("before first", "middle", "last after");

        masker.MaskSpanEndingAtLast(rows);

        Assert.Equal(["before ***", "***", "*** after"], rows.Select(r => r.Content));
    }

    [Fact]
    public void MaskSpanEndingAtLast_MiddleRowDiffers_MasksNothing()
    {
        var masker = new SecretMasker();
        masker.Add("first\nmiddle\nlast");
        var rows = Rows("first", "other", "last");

        masker.MaskSpanEndingAtLast(rows);

        Assert.Equal(["first", "other", "last"], rows.Select(r => r.Content));
    }

    private static List<PendingRow> Rows(params string[] contents) =>
        [.. contents.Select(c => new PendingRow(c, DateTimeOffset.UnixEpoch))];
}
