using KubeRunner.Agent.Tests.TestSupport;
using KubeRunner.Testing;
using KubeRunner.Testing.FakeForge;

namespace KubeRunner.Agent.Tests.Cli;

/// <summary>The program as operators run it: a real process, real signals, real exit codes.</summary>
public sealed class ProgramProcessTests
{
    [Fact]
    public async Task Program_OperatorMistake_PrintsOneLineAndExitCodeWithoutStackTrace()
    {
        using var cli = new CliRun();
        using var agent = AgentProcess.Start(cli.Directory, "daemon");

        var code = await agent.WaitForExitAsync(TestTimeouts.Scenario);

        Assert.Equal(3, code);
        var line = Assert.Single(agent.Error.Split('\n', StringSplitOptions.RemoveEmptyEntries));
        Assert.StartsWith("kube-runner: registration file ", line, StringComparison.Ordinal);
        Assert.DoesNotContain("Exception", agent.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Program_Sigterm_DaemonStopsFetchingAndExitsZero()
    {
        await using var forge = await FakeForge.StartAsync();
        var runner = forge.AddRunner("vm", ["fenced"]);
        using var cli = new CliRun();
        DaemonCommandTests.WriteRunnerFile(cli, forge.Url, runner.Uuid, runner.Token, "fenced:host");
        cli.Write("config.yaml", "runner:\n  fetch_interval: 100ms\n");
        using var agent = AgentProcess.Start(cli.Directory, "daemon", "--config", "config.yaml");

        await agent.WhileRunningAsync(forge.Journal.WaitForAsync(r => r.Method == ForgeMethod.FetchTask, TestTimeouts.Scenario));
        agent.Terminate();
        var code = await agent.WaitForExitAsync(TestTimeouts.Scenario);
        var fetchesAtExit = forge.Journal.Count(ForgeMethod.FetchTask);
        await Task.Delay(300);

        Assert.Equal(0, code);
        Assert.Equal(fetchesAtExit, forge.Journal.Count(ForgeMethod.FetchTask));
        Assert.Contains("Stopped fetching tasks", agent.Out, StringComparison.Ordinal);
        Assert.Contains("declared to", agent.Out, StringComparison.Ordinal);
    }
}
