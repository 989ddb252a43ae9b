using KubeRunner.Agent.Hosting.Status;
using Microsoft.Extensions.Time.Testing;

namespace KubeRunner.Agent.Tests.Hosting;

public sealed class AgentReadinessTests
{
    private readonly FakeTimeProvider _time = new();

    [Fact]
    public async Task CheckAsync_NotRegisteredYet_NotReadyWithTheReason()
    {
        var readiness = new AgentReadiness(_time);
        readiness.ForgeSucceeded();
        readiness.SetRegistration(false, "waiting for the registration token in /etc/kube-runner/token/token");

        var report = await readiness.CheckAsync(CancellationToken.None);

        Assert.False(report.IsReady);
        Assert.Equal("registered: failing: waiting for the registration token in /etc/kube-runner/token/token\nforge: ok\n", report.ToString());
    }

    [Fact]
    public async Task CheckAsync_NothingHappenedYet_NotReadyNotDeclaredAndNoForgeAnswer()
    {
        var report = await new AgentReadiness(_time).CheckAsync(CancellationToken.None);

        Assert.Equal(
            "registered: failing: the runner has not been declared to the forge yet\nforge: failing: no request to the forge has succeeded yet\n",
            report.ToString());
    }

    [Fact]
    public async Task CheckAsync_LastForgeSuccessAgesOutOfTheWindow_NotReadyNamingTheForgeAndItsLastError()
    {
        var readiness = new AgentReadiness(_time) { ForgeWindow = TimeSpan.FromSeconds(11) };
        readiness.SetRegistration(true, "");
        readiness.ForgeSucceeded();
        readiness.ForgeFailed("unavailable: 502 Bad Gateway");

        _time.Advance(TimeSpan.FromSeconds(11));
        var inside = await readiness.CheckAsync(CancellationToken.None);
        _time.Advance(TimeSpan.FromSeconds(1.5));
        var outside = await readiness.CheckAsync(CancellationToken.None);
        readiness.ForgeSucceeded();
        var again = await readiness.CheckAsync(CancellationToken.None);

        Assert.True(inside.IsReady, inside.ToString());
        Assert.False(outside.IsReady);
        Assert.Equal("forge: failing: no request to the forge succeeded for 12.5s (allowed: 11s); last error: unavailable: 502 Bad Gateway",
            outside.Lines[1].ToString());
        Assert.Equal("registered: ok\nforge: ok\n", again.ToString());
    }

    [Fact]
    public async Task CheckAsync_BackendCheckFails_NotReadyWithOneLinePerBackend()
    {
        var readiness = new AgentReadiness(_time);
        readiness.SetRegistration(true, "");
        readiness.ForgeSucceeded();
        readiness.UseBackends([new Check("backend host", null), new Check("backend docker", "Docker at unix:///var/run/docker.sock does not answer")]);

        var report = await readiness.CheckAsync(CancellationToken.None);

        Assert.False(report.IsReady);
        Assert.Equal("registered: ok\nforge: ok\nbackend host: ok\nbackend docker: failing: Docker at unix:///var/run/docker.sock does not answer\n", report.ToString());
    }

    [Theory]
    [InlineData(2, 5, 1, 11)]
    [InlineData(30, 5, 1, 95)]
    [InlineData(0.1, 1, 0.2, 5)]
    [InlineData(1, 1, 10, 31)]
    public void ForgeWindowFor_Intervals_ThreeOfTheLongerPlusTheFetchTimeoutAtLeastFiveSeconds(double fetchInterval, double fetchTimeout, double reportInterval, double expected)
    {
        var window = AgentReadiness.ForgeWindowFor(TimeSpan.FromSeconds(fetchInterval), TimeSpan.FromSeconds(fetchTimeout), TimeSpan.FromSeconds(reportInterval));

        Assert.Equal(TimeSpan.FromSeconds(expected), window);
    }

    private sealed class Check(string name, string? problem) : IReadinessCheck
    {
        public string Name => name;

        public ValueTask<string?> ProblemAsync(CancellationToken cancellationToken) => ValueTask.FromResult(problem);
    }
}
