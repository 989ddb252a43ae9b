using KubeRunner.Agent.Labels;

namespace KubeRunner.Agent.Tests.Labels;

public sealed class LabelTests
{
    [Theory]
    [InlineData("ubuntu-latest:docker://node:20-bookworm", "ubuntu-latest", "docker", "//node:20-bookworm", "ubuntu-latest:docker://node:20-bookworm")]
    [InlineData("docker", "docker", "docker", "//node:22-bookworm", "docker:docker://node:22-bookworm")]
    [InlineData("ubuntu:docker", "ubuntu", "docker", "//node:22-bookworm", "ubuntu:docker://node:22-bookworm")]
    [InlineData("ubuntu:docker:", "ubuntu", "docker", "//node:22-bookworm", "ubuntu:docker://node:22-bookworm")]
    [InlineData("alpine:docker:alpine:3.20", "alpine", "docker", "alpine:3.20", "alpine:docker:alpine:3.20")]
    [InlineData("self-hosted:host", "self-hosted", "host", "", "self-hosted:host")]
    [InlineData("self-hosted:host:", "self-hosted", "host", "", "self-hosted:host")]
    [InlineData("lxc:lxc", "lxc", "lxc", "//debian:bookworm", "lxc:lxc://debian:bookworm")]
    [InlineData("trixie:lxc://debian:trixie", "trixie", "lxc", "//debian:trixie", "trixie:lxc://debian:trixie")]
    [InlineData("with space:host", "with space", "host", "", "with space:host")]
    [InlineData("heavy:kubernetes", "heavy", "kubernetes", "", "heavy:kubernetes")]
    public void Parse_ValidLabel_SplitsOnFirstTwoColons(string text, string name, string scheme, string argument, string full)
    {
        var label = Label.Parse(text);

        Assert.Equal(new Label(name, scheme, argument), label);
        Assert.Equal(full, label.ToString());
        Assert.Equal(label, Label.Parse(label.ToString()));
    }

    [Theory]
    [InlineData("x:kube", "invalid label \"x:kube\": unknown scheme \"kube\" (use docker, host, lxc or kubernetes: name[:scheme[:argument]])")]
    [InlineData("x:Docker", "invalid label \"x:Docker\": unknown scheme \"Docker\" (use docker, host, lxc or kubernetes: name[:scheme[:argument]])")]
    [InlineData("x:", "invalid label \"x:\": unknown scheme \"\" (use docker, host, lxc or kubernetes: name[:scheme[:argument]])")]
    [InlineData("", "invalid label \"\": the name is empty (use name[:scheme[:argument]])")]
    [InlineData(":host", "invalid label \":host\": the name is empty (use name[:scheme[:argument]])")]
    [InlineData(" ubuntu:host", "invalid label \" ubuntu:host\": the name \" ubuntu\" starts or ends with whitespace (use name[:scheme[:argument]])")]
    [InlineData("ubuntu\t", "invalid label \"ubuntu\t\": the name \"ubuntu\t\" starts or ends with whitespace (use name[:scheme[:argument]])")]
    [InlineData("shell:host:/bin/bash", "invalid label \"shell:host:/bin/bash\": the host scheme takes no argument, found \"/bin/bash\" (use name:host)")]
    [InlineData("heavy:kubernetes:big", "invalid label \"heavy:kubernetes:big\": the kubernetes scheme takes no argument, found \"big\" (use name:kubernetes; the profile is kubernetes.profiles.<name>)")]
    public void Parse_InvalidLabel_ThrowsOneLineExplanation(string text, string expected)
    {
        var exception = Assert.Throws<LabelException>(() => Label.Parse(text));

        Assert.Equal(expected, exception.Message);
        Assert.False(Label.TryParse(text, out var label));
        Assert.Null(label);
        Assert.False(Label.TryParse(text, out _, out var problem));
        Assert.Equal(expected, problem);
    }

    [Fact]
    public void TryParse_ValidLabel_ReturnsLabelAndNoProblem()
    {
        Assert.True(Label.TryParse("a:host", out var label, out var problem));
        Assert.Equal(new Label("a", "host", ""), label);
        Assert.Null(problem);
    }
}
