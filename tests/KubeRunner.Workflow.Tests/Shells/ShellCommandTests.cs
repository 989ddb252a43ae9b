using KubeRunner.Workflow.Shells;

namespace KubeRunner.Workflow.Tests.Shells;

public sealed class ShellCommandTests
{
    private static bool Always(string command) => true;

    private static bool Never(string command) => false;

    [Theory]
    [InlineData("bash", "bash --noprofile --norc -e -o pipefail {0}", ".sh")]
    [InlineData("sh", "sh -e {0}", ".sh")]
    [InlineData("python", "python {0}", ".py")]
    [InlineData("pwsh", "pwsh -command . '{0}'", ".ps1")]
    [InlineData("powershell", "powershell -command . '{0}'", ".ps1")]
    [InlineData("cmd", "cmd /D /E:ON /V:OFF /S /C \"CALL \"{0}\"\"", ".cmd")]
    [InlineData("node", "node {0}", ".js")]
    public void Resolve_KnownShell_TemplateAndExtension(string shell, string template, string extension)
    {
        var command = ShellCommand.Resolve(shell, Never);

        Assert.Equal(shell, command.Name);
        Assert.Equal(template, command.Template);
        Assert.Equal(extension, command.ScriptExtension);
    }

    [Fact]
    public void Resolve_NoShellWithBash_BashPipefail()
    {
        var asked = new List<string>();
        var command = ShellCommand.Resolve(null, c =>
        {
            asked.Add(c);
            return true;
        });

        Assert.Equal(["bash"], asked);
        Assert.Equal("bash --noprofile --norc -e -o pipefail {0}", command.Template);
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("  ")]
    public void Resolve_NoShellWithoutBash_Sh(string? shell)
    {
        var command = ShellCommand.Resolve(shell, Never);

        Assert.Equal("sh", command.Name);
        Assert.Equal("sh -e {0}", command.Template);
    }

    [Fact]
    public void Resolve_ExplicitBash_DoesNotProbe()
    {
        var command = ShellCommand.Resolve("bash", c => throw new InvalidOperationException("probed"));

        Assert.Equal("bash", command.Name);
    }

    [Theory]
    [InlineData("bash -c \"source {0}\"", ".sh")]
    [InlineData("/usr/bin/python3 -u {0}", ".py")]
    [InlineData("pwsh -File {0}", ".ps1")]
    [InlineData("perl {0}", "")]
    public void Resolve_CustomTemplate_VerbatimExtensionFromProgram(string template, string extension)
    {
        var command = ShellCommand.Resolve(template, Always);

        Assert.Equal(template, command.Template);
        Assert.Equal(extension, command.ScriptExtension);
        Assert.Equal("\nx\n", command.WrapScript("x"));
    }

    [Fact]
    public void Arguments_CustomTemplateWithoutPlaceholder_NotAppended()
    {
        Assert.Equal(["make", "all"], ShellCommand.Resolve("make all", Always).Arguments("/s.sh"));
    }

    [Theory]
    [InlineData("bash", new[] { "bash", "--noprofile", "--norc", "-e", "-o", "pipefail", "/w/0.sh" })]
    [InlineData("sh", new[] { "sh", "-e", "/w/0.sh" })]
    [InlineData("pwsh", new[] { "pwsh", "-command", ".", "/w/0.sh" })]
    [InlineData("cmd", new[] { "cmd", "/D", "/E:ON", "/V:OFF", "/S", "/C", "CALL /w/0.sh" })]
    [InlineData("bash -c \"source {0}\"", new[] { "bash", "-c", "source /w/0.sh" })]
    [InlineData("sh -c 'cat {0} && . {0}'", new[] { "sh", "-c", "cat /w/0.sh && . /w/0.sh" })]
    [InlineData("env A=\"x y\" B=a\\ b sh {0}", new[] { "env", "A=x y", "B=a b", "sh", "/w/0.sh" })]
    [InlineData("echo \"a\\\"b\\n\" ''", new[] { "echo", "a\"b\\n", "" })]
    public void Arguments_SplitLikePosixShell(string shell, string[] expected)
    {
        Assert.Equal(expected, ShellCommand.Resolve(shell, Always).Arguments("/w/0.sh"));
    }

    [Fact]
    public void Arguments_PathWithSpaces_StaysOneArgument()
    {
        Assert.Equal(["python", "/tmp/my dir/1.py"], ShellCommand.Resolve("python", Always).Arguments("/tmp/my dir/1.py"));
    }

    [Theory]
    [InlineData("bash -c 'unclosed {0}")]
    [InlineData("bash -c \"unclosed {0}")]
    [InlineData("bash {0} \\")]
    public void Arguments_BadQuoting_Throws(string template)
    {
        Assert.Throws<FormatException>(() => ShellCommand.Resolve(template, Always).Arguments("/s"));
    }

    [Fact]
    public void WrapScript_Bash_RunBetweenEmptyLines()
    {
        Assert.Equal("\necho hi\n", ShellCommand.Resolve("bash", Always).WrapScript("echo hi"));
    }

    [Theory]
    [InlineData("pwsh")]
    [InlineData("powershell")]
    public void WrapScript_PowerShell_StopOnErrorAndExitCode(string shell)
    {
        Assert.Equal(
            "$ErrorActionPreference = 'stop'\nWrite-Host hi\nif ((Test-Path -LiteralPath variable:/LASTEXITCODE)) { exit $LASTEXITCODE }",
            ShellCommand.Resolve(shell, Always).WrapScript("Write-Host hi"));
    }

    [Fact]
    public void WrapScript_Cmd_EchoOff()
    {
        Assert.Equal("@echo off\ndir\n", ShellCommand.Resolve("cmd", Always).WrapScript("dir"));
    }
}
