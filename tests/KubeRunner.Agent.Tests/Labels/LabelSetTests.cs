using KubeRunner.Agent.Labels;

namespace KubeRunner.Agent.Tests.Labels;

public sealed class LabelSetTests
{
    private static readonly LabelSet Set = new(["ubuntu-latest:docker://node:20-bookworm", "shell:host", "debian:lxc", "ubuntu-latest:host"]);

    [Fact]
    public void Constructor_DuplicateNames_KeepsFirstInOrder()
    {
        Assert.Equal(["ubuntu-latest", "shell", "debian"], Set.Names);
        Assert.Equal(["ubuntu-latest:docker://node:20-bookworm", "shell:host", "debian:lxc://debian:bookworm"], Set.Labels.Select(label => label.ToString()));
    }

    [Theory]
    [InlineData("shell", "shell:host")]
    [InlineData("ubuntu-latest", "ubuntu-latest:docker://node:20-bookworm")]
    [InlineData("unknown,debian,shell", "debian:lxc://debian:bookworm")]
    [InlineData("shell,ubuntu-latest", "shell:host")]
    public void Pick_RunsOn_ReturnsLabelOfFirstMatchingValue(string runsOn, string expected)
    {
        Assert.Equal(expected, Set.Pick(runsOn.Split(','))?.ToString());
    }

    [Theory]
    [InlineData("")]
    [InlineData("windows-latest")]
    [InlineData("Shell,UBUNTU-LATEST")]
    [InlineData("host")]
    public void Pick_NoValueNamesALabel_ReturnsNull(string runsOn)
    {
        Assert.Null(Set.Pick(runsOn.Split(',', StringSplitOptions.RemoveEmptyEntries)));
    }

    [Fact]
    public void Constructor_InvalidLabel_ThrowsLabelException()
    {
        var exception = Assert.Throws<LabelException>(() => new LabelSet(["ok:host", "bad:vm"]));

        Assert.Contains("\"bad:vm\"", exception.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Constructor_NoLabels_IsEmpty()
    {
        var set = new LabelSet([]);

        Assert.Empty(set.Names);
        Assert.Null(set.Pick(["anything"]));
    }
}
