using KubeRunner.Workflow.Commands;

namespace KubeRunner.Workflow.Tests.Commands;

public sealed class WorkflowCommandTests
{
    [Theory]
    [InlineData("::add-mask::secret", "add-mask", "secret")]
    [InlineData("::endgroup::", "endgroup", "")]
    [InlineData("::debug::a::b", "debug", "a::b")]
    [InlineData("::error::line%0Anext%25", "error", "line\nnext%")]
    public void TryParse_Command_NameAndUnescapedValue(string line, string name, string value)
    {
        var command = WorkflowCommand.TryParse(line);

        Assert.NotNull(command);
        Assert.Equal(name, command.Name);
        Assert.Equal(value, command.Value);
    }

    [Fact]
    public void TryParse_Properties_AreSplitAndUnescaped()
    {
        var command = WorkflowCommand.TryParse("::warning file=src/a%3Ab.c,line=12, title=x%2Cy::look here");

        Assert.NotNull(command);
        Assert.Equal("src/a:b.c", command.Properties["file"]);
        Assert.Equal("12", command.Properties["line"]);
        Assert.Equal("x,y", command.Properties["title"]);
        Assert.Equal("look here", command.Value);
    }

    [Theory]
    [InlineData("plain text")]
    [InlineData("::")]
    [InlineData(":: spaced::x")]
    [InlineData("::no-close")]
    [InlineData(" ::debug::indented")]
    public void TryParse_NotACommand_ReturnsNull(string line)
    {
        Assert.Null(WorkflowCommand.TryParse(line));
    }
}
