using KubeRunner.Agent.Configuration;

namespace KubeRunner.Agent.Tests.Configuration;

public sealed class DotEnvFileTests
{
    [Theory]
    [InlineData("A=1", "A", "1")]
    [InlineData("A = 1 ", "A", "1")]
    [InlineData("export A=1", "A", "1")]
    [InlineData("A: 1", "A", "1")]
    [InlineData("A=", "A", "")]
    [InlineData("A=b=c", "A", "b=c")]
    [InlineData("URL=http://host:80/path", "URL", "http://host:80/path")]
    [InlineData("A=value # comment", "A", "value")]
    [InlineData("A=value#not-a-comment", "A", "value#not-a-comment")]
    [InlineData("A=#not-a-comment", "A", "#not-a-comment")]
    [InlineData("A= # only a comment", "A", "")]
    [InlineData("A='single # quoted'", "A", "single # quoted")]
    [InlineData("A='no \\n escapes'", "A", "no \\n escapes")]
    [InlineData("A=\"line\\nbreak\"", "A", "line\nbreak")]
    [InlineData("A=\"tab\\tand \\\"quote\\\" and \\\\\"", "A", "tab\tand \"quote\" and \\")]
    [InlineData("A=\"x\" # trailing comment", "A", "x")]
    [InlineData("A=\"\"", "A", "")]
    [InlineData("my.var-1=x", "my.var-1", "x")]
    public void Parse_Line_ReturnsEntry(string line, string key, string value)
    {
        var entries = DotEnvFile.Parse(line);

        Assert.Equal(value, Assert.Contains(key, entries));
        Assert.Single(entries);
    }

    [Fact]
    public void Parse_CommentsBlankLinesAndRepeats_LastValueWins()
    {
        var entries = DotEnvFile.Parse("# header\r\n\r\nA=1\n   # indented comment\nB=2\nA=3\n");

        Assert.Equal(new Dictionary<string, string> { ["A"] = "3", ["B"] = "2" }, entries);
    }

    [Theory]
    [InlineData("A=1\njust words\n", 2, "expected KEY=VALUE, found 'just words'")]
    [InlineData("=1\n", 1, "'' is not a variable name (expected KEY=VALUE)")]
    [InlineData("MY VAR=1\n", 1, "'MY VAR' is not a variable name (expected KEY=VALUE)")]
    [InlineData("\n\nA=\"open\n", 3, "value of A has no closing \" (values cannot span lines)")]
    [InlineData("A='open\n", 1, "value of A has no closing ' (values cannot span lines)")]
    [InlineData("A=\"x\" y\n", 1, "unexpected 'y' after the quoted value of A")]
    public void Parse_MalformedLine_ThrowsNamingFileAndLine(string text, int line, string problem)
    {
        var exception = Assert.Throws<ConfigException>(() => DotEnvFile.Parse(text, "jobs.env"));

        Assert.Equal($"jobs.env:{line}: {problem}", exception.Message);
        Assert.Equal(line, exception.Line);
    }
}
