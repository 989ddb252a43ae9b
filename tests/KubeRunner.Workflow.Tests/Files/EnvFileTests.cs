using KubeRunner.Workflow.Files;

namespace KubeRunner.Workflow.Tests.Files;

public sealed class EnvFileTests
{
    [Fact]
    public void Parse_SingleLines_KeepOrderAndEverythingAfterFirstEquals()
    {
        var entries = EnvFile.Parse("B=2\nA=x=y\nEMPTY=\n");

        Assert.Equal([new("B", "2"), new("A", "x=y"), new("EMPTY", "")], entries);
    }

    [Fact]
    public void Parse_RepeatedName_KeepsBothInOrder()
    {
        Assert.Equal([new("A", "1"), new("A", "2")], EnvFile.Parse("A=1\nA=2"));
    }

    [Fact]
    public void Parse_Heredoc_JoinsLinesWithNewline()
    {
        var entries = EnvFile.Parse("JSON<<EOF\n{\n  \"a\": 1\n}\nEOF\nNEXT=n\n");

        Assert.Equal([new("JSON", "{\n  \"a\": 1\n}"), new("NEXT", "n")], entries);
    }

    [Fact]
    public void Parse_HeredocCrlf_Tolerated()
    {
        var entries = EnvFile.Parse("A<<ghadelimiter_1\r\nline 1\r\nline 2\r\nghadelimiter_1\r\nB=b\r\n");

        Assert.Equal([new("A", "line 1\nline 2"), new("B", "b")], entries);
    }

    [Fact]
    public void Parse_EmptyHeredoc_GivesEmptyValue()
    {
        Assert.Equal([new("A", "")], EnvFile.Parse("A<<EOF\nEOF\n"));
    }

    [Fact]
    public void Parse_HeredocKeepsBlankAndLookalikeLines()
    {
        var entries = EnvFile.Parse("A<<EOF\n\nX=1\n EOF\nEOF \nEOF");

        Assert.Equal([new("A", "\nX=1\n EOF\nEOF ")], entries);
    }

    [Theory]
    [InlineData("A=x<<y", "A", "x<<y")]
    [InlineData("A<<E=F\nv\nE=F", "A", "v")]
    public void Parse_FirstMarkerDecides(string content, string name, string value)
    {
        Assert.Equal([new(name, value)], EnvFile.Parse(content));
    }

    [Fact]
    public void Parse_BlankLines_Ignored()
    {
        Assert.Equal([new("A", "1"), new("B", "2")], EnvFile.Parse("\nA=1\n\n   \r\nB=2\n\n"));
    }

    [Fact]
    public void Parse_Empty_NoEntries()
    {
        Assert.Empty(EnvFile.Parse(""));
    }

    [Fact]
    public void Parse_MissingDelimiter_ThrowsNamingStartLine()
    {
        var error = Assert.Throws<EnvFileException>(() => EnvFile.Parse("A=1\n\nNOTES<<EOF\none\ntwo\n"));

        Assert.Equal("the value of NOTES started at line 3 has no closing delimiter 'EOF'", error.Message);
    }

    [Fact]
    public void Parse_LineWithNeitherForm_ThrowsWithLine()
    {
        var error = Assert.Throws<EnvFileException>(() => EnvFile.Parse("A=1\njust words\n"));

        Assert.Equal("line 2: expected NAME=value or NAME<<DELIMITER, got 'just words'", error.Message);
    }

    [Theory]
    [InlineData("=value", "line 1: the name before '=' or '<<' is empty")]
    [InlineData("A=1\n<<EOF\nx\nEOF", "line 2: the name before '=' or '<<' is empty")]
    [InlineData("A<<\nx\n", "line 1: the value of A has an empty heredoc delimiter")]
    public void Parse_EmptyNameOrDelimiter_Throws(string content, string message)
    {
        Assert.Equal(message, Assert.Throws<EnvFileException>(() => EnvFile.Parse(content)).Message);
    }
}
