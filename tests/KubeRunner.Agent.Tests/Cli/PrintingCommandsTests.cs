using KubeRunner.Agent.Configuration;
using KubeRunner.Agent.Tests.TestSupport;

namespace KubeRunner.Agent.Tests.Cli;

public sealed class PrintingCommandsTests
{
    [Fact]
    public async Task GenerateConfig_PrintsTheExampleConfig()
    {
        using var cli = new CliRun();

        Assert.Equal(0, await cli.RunAsync("generate-config"));
        Assert.Equal(ExampleConfig.Text, cli.Out);
    }

    [Fact]
    public async Task GenerateConfig_OutputLoadsWithoutWarnings()
    {
        using var cli = new CliRun();
        await cli.RunAsync("generate-config");
        cli.Write("config.yaml", cli.Out);

        Assert.Equal(0, await cli.RunAsync("config", "show", "-c", "config.yaml"));
        Assert.DoesNotContain("warning", cli.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ConfigShow_RedactsSecretsOfConfigAndRegistration()
    {
        using var cli = new CliRun();
        cli.Write("config.yaml", "cache:\n  secret: cache-hmac-key\nrunner:\n  envs:\n    API_TOKEN: tok-123\n    COLOR: blue\n");
        DaemonCommandTests.WriteRunnerFile(cli, new Uri("https://forge.example/"), "u-1", "runner-token-456", "heavy");

        Assert.Equal(0, await cli.RunAsync("config", "show", "-c", "config.yaml"));

        Assert.DoesNotContain("cache-hmac-key", cli.Out, StringComparison.Ordinal);
        Assert.DoesNotContain("tok-123", cli.Out, StringComparison.Ordinal);
        Assert.DoesNotContain("runner-token-456", cli.Out, StringComparison.Ordinal);
        Assert.Contains("blue", cli.Out, StringComparison.Ordinal);
        Assert.Contains("uuid u-1 at https://forge.example/, token ***", cli.Out, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ConfigShow_UnknownKey_WarnsNamingIt()
    {
        using var cli = new CliRun();
        cli.Write("config.yaml", "runner:\n  capacty: 2\n");

        Assert.Equal(0, await cli.RunAsync("config", "show", "-c", "config.yaml"));
        Assert.Contains("runner.capacty", cli.Error, StringComparison.Ordinal);
        Assert.Contains("runner.capacity", cli.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Version_PrintsVersion()
    {
        using var cli = new CliRun();

        Assert.Equal(0, await cli.RunAsync("version"));
        Assert.Matches(@"^kube-runner \d+\.\d+\.\d+", cli.Out);
    }

    [Fact]
    public async Task Help_ShowsGettingStartedAndExitCodes()
    {
        using var cli = new CliRun();

        Assert.Equal(0, await cli.RunAsync("--help"));
        Assert.Contains("Get started:", cli.Out, StringComparison.Ordinal);
        Assert.Contains("kube-runner register --no-interactive", cli.Out, StringComparison.Ordinal);
        Assert.Contains("Exit codes:", cli.Out, StringComparison.Ordinal);
        foreach (var command in new[] { "register", "create-runner-file", "daemon", "generate-config", "config", "version" })
        {
            Assert.Contains(command, cli.Out, StringComparison.Ordinal);
        }
    }

    [Theory]
    [InlineData("")]
    [InlineData("frobnicate")]
    [InlineData("register --no-such-option")]
    public async Task BadCommandLine_ExitsUsage(string commandLine)
    {
        using var cli = new CliRun();

        Assert.Equal(2, await cli.RunAsync(commandLine.Split(' ', StringSplitOptions.RemoveEmptyEntries)));
        Assert.Contains("kube-runner --help", cli.Error, StringComparison.Ordinal);
    }
}
