using System.Text;
using KubeRunner.Executor.Processes;

namespace KubeRunner.Executor.Tests.Processes;

public sealed class OutputLineReaderTests
{
    [Fact]
    public async Task ReadLinesAsync_SplitsOnNewlineAndDropsTheCarriageReturnBeforeIt()
    {
        var lines = await ReadAsync(Bytes("one\r\ntwo\n\nthree\r\r\nfour\rfive\n"));

        Assert.Equal(["one", "two", "", "three\r", "four\rfive"], lines);
    }

    [Fact]
    public async Task ReadLinesAsync_LastLineWithoutNewline_IsEmittedAtTheEnd()
    {
        Assert.Equal(["a", "b"], await ReadAsync(Bytes("a\nb")));
        Assert.Equal(["a"], await ReadAsync(Bytes("a\n")));
        Assert.Empty(await ReadAsync([]));
    }

    [Fact]
    public async Task ReadLinesAsync_InvalidUtf8_BecomesOneQuestionMarkPerBadRun()
    {
        byte[] input = [(byte)'a', 0xff, (byte)'b', 0xc0, 0xaf, (byte)'c', 0xe2, 0x82, (byte)'d', 0xe2, 0x82, (byte)'\n', 0xf0, 0x9f];

        var lines = await ReadAsync(input);

        Assert.Equal(["a?b?c?d?", "?"], lines);
    }

    [Fact]
    public async Task ReadLinesAsync_Nul_BecomesQuestionMark()
    {
        Assert.Equal(["a?b??"], await ReadAsync([(byte)'a', 0, (byte)'b', 0, 0]));
    }

    [Fact]
    public async Task ReadLinesAsync_MultibyteSequenceSplitAcrossReads_DecodesCorrectly()
    {
        var text = "é✓😀\n";
        var bytes = Bytes(text);
        for (var cut = 1; cut < bytes.Length; cut++)
        {
            var lines = await ReadAsync(bytes[..cut], bytes[cut..]);

            Assert.Equal(["é✓😀"], lines);
        }

        // One byte per read.
        Assert.Equal(["é✓😀"], await ReadAsync([.. bytes.Select(b => new[] { b })]));
    }

    [Fact]
    public async Task ReadLinesAsync_CrlfSplitAcrossReads_DropsTheCarriageReturn()
    {
        Assert.Equal(["a", "b"], await ReadAsync(Bytes("a\r"), Bytes("\nb")));
    }

    [Fact]
    public async Task ReadLinesAsync_LongLine_ComesInPiecesOfTheMaximum()
    {
        var lines = await ReadAsync(8, Bytes("0123456789abcdefXYZ\nshort\n01234567\n"));

        Assert.Equal(["01234567", "89abcdef", "XYZ", "short", "01234567"], lines);
    }

    [Fact]
    public async Task ReadLinesAsync_LineOfExactlyTheMaximumWithCrlf_IsOneLine()
    {
        Assert.Equal(["01234567", "x"], await ReadAsync(8, Bytes("01234567\r\nx")));
    }

    [Fact]
    public async Task ReadLinesAsync_SurrogatePair_IsNeverSplitBetweenPieces()
    {
        var lines = await ReadAsync(4, Bytes("abc😀def"));

        Assert.Equal(["abc", "😀de", "f"], lines);
    }

    [Fact]
    public async Task ReadLinesAsync_TenMegabyteLineWithoutNewline_ComesInPiecesWithNothingLost()
    {
        const int Total = 10 * 1024 * 1024;
        const int Max = 65536;
        var chunk = new byte[100_000];
        Array.Fill(chunk, (byte)'x');
        var chunks = Enumerable.Range(0, Total / chunk.Length).Select(_ => chunk).Append(new byte[Total % chunk.Length].Select(_ => (byte)'x').ToArray());

        long length = 0;
        var count = 0;
        await using var stream = new ChunkedStream(chunks);
        await foreach (var piece in new OutputLineReader(stream, Max).ReadLinesAsync())
        {
            Assert.InRange(piece.Length, 1, Max);
            length += piece.Length;
            count++;
        }

        Assert.Equal(Total, length);
        Assert.Equal((Total + Max - 1) / Max, count);
    }

    [Fact]
    public async Task ReadLinesAsync_FromAProcess_ReadsItsOutput()
    {
        var (exit, lines) = await ProcessTestSupport.RunAsync(ProcessTestSupport.Shell(@"printf 'a\r\nb\000c\nd'"));

        Assert.Equal(0, exit);
        Assert.Equal(["a", "b?c", "d"], lines);
    }

    private static byte[] Bytes(string text) => Encoding.UTF8.GetBytes(text);

    private static Task<List<string>> ReadAsync(params byte[][] chunks) => ReadAsync(65536, chunks);

    private static async Task<List<string>> ReadAsync(int maxLineChars, params byte[][] chunks)
    {
        await using var stream = new ChunkedStream(chunks);
        var lines = new List<string>();
        await foreach (var line in new OutputLineReader(stream, maxLineChars).ReadLinesAsync())
        {
            lines.Add(line);
        }

        return lines;
    }
}
