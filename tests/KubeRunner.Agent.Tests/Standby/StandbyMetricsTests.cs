using System.Diagnostics.Metrics;
using KubeRunner.Agent.Diagnostics.Prometheus;
using KubeRunner.Agent.Standby;
using KubeRunner.Agent.Standby.Peers;
using Microsoft.Extensions.DependencyInjection;

namespace KubeRunner.Agent.Tests.Standby;

/// <summary>The standby's series as <c>/metrics</c> shows them (reference/standby.md §4.10).</summary>
public sealed class StandbyMetricsTests : IDisposable
{
    private readonly ServiceProvider _services = new ServiceCollection().AddMetrics().BuildServiceProvider();

    private IMeterFactory Factory => _services.GetRequiredService<IMeterFactory>();

    [Fact]
    public void Scrape_ModeStatesClaimsAndFailures_OneSeriesPerLabelWithZerosForTheOthers()
    {
        using var exporter = new PrometheusExporter(Factory);
        var metrics = new StandbyMetrics(Factory);

        metrics.Mode("active");
        metrics.PeerState("http://crunchy01:8080", PeerState.Down);
        metrics.ModeChanged(Agent.Standby.Decision.StandbyMode.Active);
        metrics.Claimed(ClaimReasons.Down, TimeSpan.FromSeconds(12));
        metrics.ClaimLost();
        metrics.PeerFailed("http://crunchy01:8080");
        metrics.ForgePollFailed("jobs");
        var text = exporter.Scrape();

        Assert.Contains("kube_runner_standby_mode{mode=\"active\"} 1\n", text, StringComparison.Ordinal);
        Assert.Contains("kube_runner_standby_mode{mode=\"standby\"} 0\n", text, StringComparison.Ordinal);
        Assert.Contains("kube_runner_standby_peer_state{peer=\"http://crunchy01:8080\",state=\"down\"} 1\n", text, StringComparison.Ordinal);
        Assert.Contains("kube_runner_standby_peer_state{peer=\"http://crunchy01:8080\",state=\"healthy\"} 0\n", text, StringComparison.Ordinal);
        Assert.Contains("kube_runner_standby_mode_changes_total{to=\"active\"} 1\n", text, StringComparison.Ordinal);
        Assert.Contains("kube_runner_standby_claims_total{reason=\"down\"} 1\n", text, StringComparison.Ordinal);
        Assert.Contains("kube_runner_standby_claims_total{reason=\"safety_net\"} 0\n", text, StringComparison.Ordinal);
        Assert.Contains("kube_runner_standby_claims_lost_total 1\n", text, StringComparison.Ordinal);
        Assert.Contains("kube_runner_standby_claim_wait_seconds_bucket{le=\"15\"} 1\n", text, StringComparison.Ordinal);
        Assert.Contains("kube_runner_standby_claim_wait_seconds_bucket{le=\"10\"} 0\n", text, StringComparison.Ordinal);
        Assert.Contains("kube_runner_standby_peer_failures_total{peer=\"http://crunchy01:8080\"} 1\n", text, StringComparison.Ordinal);
        Assert.Contains("kube_runner_standby_forge_poll_errors_total{api=\"jobs\"} 1\n", text, StringComparison.Ordinal);
    }

    public void Dispose() => _services.Dispose();
}
