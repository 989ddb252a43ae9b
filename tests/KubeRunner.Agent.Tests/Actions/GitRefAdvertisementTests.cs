using System.Text;
using KubeRunner.Agent.Actions;

namespace KubeRunner.Agent.Tests.Actions;

public sealed class GitRefAdvertisementTests
{
    private const string Commit1 = "1111111111111111111111111111111111111111";
    private const string Commit2 = "2222222222222222222222222222222222222222";
    private const string TagObject = "3333333333333333333333333333333333333333";

    [Fact]
    public void Parse_SmartAdvertisement_ReadsRefsAndPeelsAnnotatedTags()
    {
        var body = Packets("# service=git-upload-pack\n") + "0000" + Packets(
            $"{Commit1} HEAD\0multi_ack side-band-64k symref=HEAD:refs/heads/main\n",
            $"{Commit1} refs/heads/main\n",
            $"{TagObject} refs/tags/v1\n",
            $"{Commit2} refs/tags/v1^{{}}\n",
            $"{Commit1} refs/tags/light\n") + "0000";

        var refs = GitRefAdvertisement.Parse(Encoding.UTF8.GetBytes(body), smart: true);

        Assert.Equal(Commit1, refs.Resolve("HEAD"));
        Assert.Equal(Commit1, refs.Resolve("main"));
        Assert.Equal(Commit2, refs.Resolve("v1"));
        Assert.Equal(Commit1, refs.Resolve("light"));
        Assert.Null(refs.Resolve("v2"));
    }

    [Fact]
    public void Parse_EmptyRepository_HasNoRefs()
    {
        var body = Packets("# service=git-upload-pack\n") + "0000" + Packets($"{new string('0', 40)} capabilities^{{}}\0agent=git/2\n") + "0000";

        var refs = GitRefAdvertisement.Parse(Encoding.UTF8.GetBytes(body), smart: true);

        Assert.Empty(refs.Refs);
    }

    [Fact]
    public void Parse_DumbInfoRefs_ReadsTabSeparatedLines()
    {
        var body = $"{Commit1}\trefs/heads/main\n{TagObject}\trefs/tags/v1\n{Commit2}\trefs/tags/v1^{{}}\n";

        var refs = GitRefAdvertisement.Parse(Encoding.UTF8.GetBytes(body), smart: false);

        Assert.Equal(Commit1, refs.Resolve("main"));
        Assert.Equal(Commit2, refs.Resolve("v1"));
    }

    [Theory]
    [InlineData("<html>not git</html>")]
    [InlineData("00ff1111")]
    public void Parse_NotPacketLines_ThrowsFormatException(string body)
    {
        Assert.Throws<FormatException>(() => GitRefAdvertisement.Parse(Encoding.UTF8.GetBytes(body), smart: true));
    }

    private static string Packets(params string[] lines) =>
        string.Concat(lines.Select(line => $"{Encoding.UTF8.GetByteCount(line) + 4:x4}{line}"));
}
