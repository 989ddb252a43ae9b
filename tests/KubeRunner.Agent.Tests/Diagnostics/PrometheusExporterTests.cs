using System.Diagnostics.Metrics;
using KubeRunner.Agent.Diagnostics;
using KubeRunner.Agent.Diagnostics.Prometheus;
using Microsoft.Extensions.DependencyInjection;

namespace KubeRunner.Agent.Tests.Diagnostics;

public sealed class PrometheusExporterTests : IDisposable
{
    private readonly ServiceProvider _services = new ServiceCollection().AddMetrics().BuildServiceProvider();

    private IMeterFactory Factory => _services.GetRequiredService<IMeterFactory>();

    [Fact]
    public void Scrape_CounterWithLabels_OneSortedLinePerLabelSet()
    {
        using var exporter = new PrometheusExporter(Factory);
        var meter = Factory.Create(AgentMetrics.MeterName);
        var counter = meter.CreateCounter<long>("kube_runner_things_total", description: "Things done.\nTwo lines, one \\.");

        counter.Add(2, new("result", "success"), new("backend", "docker"));
        counter.Add(1, new("backend", "docker"), new("result", "success"));
        counter.Add(1, new("backend", "host"), new("result", "fail \"quoted\"\n"));

        Assert.Equal(
            "# HELP kube_runner_things_total Things done.\\nTwo lines, one \\\\.\n"
            + "# TYPE kube_runner_things_total counter\n"
            + "kube_runner_things_total{backend=\"docker\",result=\"success\"} 3\n"
            + "kube_runner_things_total{backend=\"host\",result=\"fail \\\"quoted\\\"\\n\"} 1\n",
            exporter.Scrape());
    }

    [Fact]
    public void Scrape_Gauges_UpDownCounterSumsObservableAndGaugeShowTheirValue()
    {
        using var exporter = new PrometheusExporter(Factory);
        var meter = Factory.Create(AgentMetrics.MeterName);
        var running = meter.CreateUpDownCounter<long>("kube_runner_a_running", description: "Running now.");
        var up = meter.CreateGauge<int>("kube_runner_b_up", description: "Up.");
        var observed = 7.5;
        meter.CreateObservableGauge("kube_runner_c_observed", () => observed, description: "Observed.");

        running.Add(3);
        running.Add(-1);
        up.Record(1);
        up.Record(0);
        var first = exporter.Scrape();
        observed = 0.25;

        Assert.Equal(
            "# HELP kube_runner_a_running Running now.\n# TYPE kube_runner_a_running gauge\nkube_runner_a_running 2\n"
            + "# HELP kube_runner_b_up Up.\n# TYPE kube_runner_b_up gauge\nkube_runner_b_up 0\n"
            + "# HELP kube_runner_c_observed Observed.\n# TYPE kube_runner_c_observed gauge\nkube_runner_c_observed 7.5\n",
            first);
        Assert.EndsWith("kube_runner_c_observed 0.25\n", exporter.Scrape(), StringComparison.Ordinal);
    }

    [Fact]
    public void Scrape_Histogram_CumulativeBucketsFromTheAdviceThenSumAndCount()
    {
        using var exporter = new PrometheusExporter(Factory);
        var meter = Factory.Create(AgentMetrics.MeterName);
        var histogram = meter.CreateHistogram("kube_runner_wait_seconds", "s", "Waits.", tags: null,
            advice: new InstrumentAdvice<double> { HistogramBucketBoundaries = [0.1, 1, 10] });

        histogram.Record(0.0625, new KeyValuePair<string, object?>("kind", "fetch"));
        histogram.Record(1, new KeyValuePair<string, object?>("kind", "fetch"));
        histogram.Record(2.5, new KeyValuePair<string, object?>("kind", "fetch"));
        histogram.Record(60, new KeyValuePair<string, object?>("kind", "fetch"));

        Assert.Equal(
            "# HELP kube_runner_wait_seconds Waits.\n"
            + "# TYPE kube_runner_wait_seconds histogram\n"
            + "kube_runner_wait_seconds_bucket{kind=\"fetch\",le=\"0.1\"} 1\n"
            + "kube_runner_wait_seconds_bucket{kind=\"fetch\",le=\"1\"} 2\n"
            + "kube_runner_wait_seconds_bucket{kind=\"fetch\",le=\"10\"} 3\n"
            + "kube_runner_wait_seconds_bucket{kind=\"fetch\",le=\"+Inf\"} 4\n"
            + "kube_runner_wait_seconds_sum{kind=\"fetch\"} 63.5625\n"
            + "kube_runner_wait_seconds_count{kind=\"fetch\"} 4\n",
            exporter.Scrape());
    }

    [Fact]
    public void Scrape_SameMeterNameFromAnotherFactory_IsNotExported()
    {
        using var exporter = new PrometheusExporter(Factory);
        using var other = new ServiceCollection().AddMetrics().BuildServiceProvider();
        var theirs = other.GetRequiredService<IMeterFactory>().Create(AgentMetrics.MeterName).CreateCounter<long>("kube_runner_theirs_total");
        var ours = Factory.Create(AgentMetrics.MeterName).CreateCounter<long>("kube_runner_ours_total");

        theirs.Add(5);
        ours.Add(1);

        Assert.Equal("# TYPE kube_runner_ours_total counter\nkube_runner_ours_total 1\n", exporter.Scrape());
    }

    [Fact]
    public void Scrape_AgentMetricsBeforeAnyTask_ShowsEveryResultAtZero()
    {
        using var exporter = new PrometheusExporter(Factory);
        var metrics = new AgentMetrics(Factory);

        metrics.TaskFinished(Protocol.Runner.V1.Result.Cancelled);
        var text = exporter.Scrape();

        Assert.Contains("kube_runner_tasks_finished_total{result=\"cancelled\"} 1\n", text, StringComparison.Ordinal);
        Assert.Contains("kube_runner_tasks_finished_total{result=\"success\"} 0\n", text, StringComparison.Ordinal);
        Assert.Contains("kube_runner_fetch_errors_total{kind=\"refused\"} 0\n", text, StringComparison.Ordinal);
        Assert.Contains("kube_runner_info{version=\"", text, StringComparison.Ordinal);
    }

    public void Dispose() => _services.Dispose();
}
