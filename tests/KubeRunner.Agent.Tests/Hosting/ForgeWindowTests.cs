using KubeRunner.Agent.Configuration;
using KubeRunner.Agent.Hosting;
using KubeRunner.Agent.Labels;
using KubeRunner.Agent.LocalRun;

namespace KubeRunner.Agent.Tests.Hosting;

/// <summary>How long /readyz lets the forge go unanswered: a holding-back standby calls it only every declare_keepalive.</summary>
public sealed class ForgeWindowTests
{
    [Fact]
    public void ForgeWindow_Primary_ThreeFetchIntervalsAndATimeout()
    {
        var window = AgentHost.ForgeWindow(Settings(new StandbyOptions()));

        Assert.Equal(TimeSpan.FromSeconds(11), window);
    }

    [Fact]
    public void ForgeWindow_Standby_CoversTwoKeepalivesAndATimeout()
    {
        var window = AgentHost.ForgeWindow(Settings(new StandbyOptions { Priority = 1, Peers = ["http://crunchy01:8080"] }));

        Assert.Equal(TimeSpan.FromSeconds(65), window);
    }

    [Fact]
    public void ForgeWindow_StandbyWithAShortKeepalive_NeverShorterThanAPrimarys()
    {
        var window = AgentHost.ForgeWindow(Settings(new StandbyOptions { Priority = 1, Peers = ["http://crunchy01:8080"], DeclareKeepalive = TimeSpan.FromSeconds(1) }));

        Assert.Equal(TimeSpan.FromSeconds(11), window);
    }

    private static AgentHostSettings Settings(StandbyOptions standby) =>
        new(new RunnerConfig { Standby = standby }, new RunnerRegistration(1, "uuid", "runner", "forge-token", "http://127.0.0.1:1/", []),
            new Uri("http://127.0.0.1:1/"), new LabelSet(["fenced:host"]), new ConsoleRunnerService(TextWriter.Null), TimeProvider.System, _ => { });
}
