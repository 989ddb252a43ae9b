using KubeRunner.Workflow.Files;

namespace KubeRunner.Workflow.Tests.Files;

public sealed class PathFileTests
{
    [Fact]
    public void Parse_Lines_NonBlankInOrder()
    {
        Assert.Equal(["/opt/a/bin", "/usr/local/go/bin", "C:\\tools"], PathFile.Parse("/opt/a/bin\n\n  \n/usr/local/go/bin\r\nC:\\tools"));
    }

    [Fact]
    public void Parse_Empty_NoEntries()
    {
        Assert.Empty(PathFile.Parse("\n\n"));
    }
}
