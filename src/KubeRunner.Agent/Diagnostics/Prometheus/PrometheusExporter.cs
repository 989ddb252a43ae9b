using System.Diagnostics.Metrics;
using System.Text;

namespace KubeRunner.Agent.Diagnostics.Prometheus;

/// <summary>
/// Collects the measurements of one meter and writes them in Prometheus' text exposition format
/// 0.0.4. A <see cref="MeterListener"/> sees every instrument of the process, so it takes only those
/// whose meter has the given scope (the <see cref="IMeterFactory"/> that made it) and name: several
/// agents in one process each export their own. Counters and histograms add up from the moment the
/// listener starts; observable instruments are asked for their values at each scrape.
/// </summary>
internal sealed class PrometheusExporter : IDisposable
{
    public const string ContentType = "text/plain; version=0.0.4; charset=utf-8";

    private readonly MeterListener _listener = new();
    private readonly Lock _families = new();
    private readonly Dictionary<Instrument, MetricFamily> _byInstrument = [];
    private readonly Lock _scrape = new();

    /// <param name="scope">The <see cref="Meter.Scope"/> of the meters to export: the factory that made them.</param>
    public PrometheusExporter(object scope, string meterName = AgentMetrics.MeterName)
    {
        _listener.InstrumentPublished = (instrument, listener) =>
        {
            if (!ReferenceEquals(instrument.Meter.Scope, scope) || instrument.Meter.Name != meterName || MetricFamily.For(instrument) is not { } family)
            {
                return;
            }

            lock (_families)
            {
                _byInstrument[instrument] = family;
            }

            listener.EnableMeasurementEvents(instrument, family);
        };
        _listener.MeasurementsCompleted = (instrument, _) =>
        {
            lock (_families)
            {
                _byInstrument.Remove(instrument);
            }
        };
        _listener.SetMeasurementEventCallback<long>((_, value, tags, state) => ((MetricFamily)state!).Record(value, tags));
        _listener.SetMeasurementEventCallback<int>((_, value, tags, state) => ((MetricFamily)state!).Record(value, tags));
        _listener.SetMeasurementEventCallback<double>((_, value, tags, state) => ((MetricFamily)state!).Record(value, tags));
        _listener.Start();
    }

    /// <summary>Every metric family, sorted by name, each with its <c># HELP</c> and <c># TYPE</c> lines.</summary>
    public string Scrape()
    {
        // One scrape at a time: observable values are cleared and collected again for each.
        lock (_scrape)
        {
            MetricFamily[] families;
            lock (_families)
            {
                families = [.. _byInstrument.Values.OrderBy(f => f.Name, StringComparer.Ordinal)];
            }

            foreach (var family in families)
            {
                family.BeginCollection();
            }

            _listener.RecordObservableInstruments();
            var text = new StringBuilder();
            foreach (var family in families)
            {
                family.WriteTo(text);
            }

            return text.ToString();
        }
    }

    public void Dispose() => _listener.Dispose();
}
