using KubeRunner.Agent.Labels;

namespace KubeRunner.Agent.Tests.Labels;

public sealed class LabelListTests
{
    [Theory]
    [InlineData("", new string[0])]
    [InlineData(" , ,", new string[0])]
    [InlineData("a:host", new[] { "a:host" })]
    [InlineData("a:host, b ,,c:docker://node:22", new[] { "a:host", "b", "c:docker://node:22" })]
    [InlineData(" ubuntu-latest:docker://node:20-bookworm ,shell:host ", new[] { "ubuntu-latest:docker://node:20-bookworm", "shell:host" })]
    public void SplitCommaSeparated_Text_TrimsAndDropsEmptyEntries(string text, string[] expected)
    {
        Assert.Equal(expected, LabelList.SplitCommaSeparated(text));
    }
}
