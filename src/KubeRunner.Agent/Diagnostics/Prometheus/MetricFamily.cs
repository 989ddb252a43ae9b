using System.Diagnostics.Metrics;
using System.Globalization;
using System.Text;

namespace KubeRunner.Agent.Diagnostics.Prometheus;

/// <summary>
/// One instrument's series, keyed by their label sets, and how Prometheus shows them: counters add
/// up, gauges keep the last value (an up-down counter adds up but is a gauge to Prometheus),
/// histograms count into buckets. Measurements come from any thread; the lock is per family.
/// </summary>
internal sealed class MetricFamily
{
    /// <summary>Prometheus' client default buckets, for a histogram whose instrument gives no advice.</summary>
    private static readonly double[] DefaultBuckets = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];

    private readonly Lock _lock = new();
    private readonly Dictionary<string, double> _values = new(StringComparer.Ordinal);
    private readonly Dictionary<string, HistogramSeries> _histograms = new(StringComparer.Ordinal);
    private readonly Aggregation _aggregation;
    private readonly bool _observable;
    private readonly string _help;
    private readonly string _type;
    private readonly double[] _buckets;

    private MetricFamily(Instrument instrument, string type, Aggregation aggregation, double[] buckets)
    {
        Name = instrument.Name;
        _help = instrument.Description ?? "";
        _type = type;
        _aggregation = aggregation;
        _observable = instrument.IsObservable;
        _buckets = buckets;
    }

    private enum Aggregation
    {
        Sum,
        LastValue,
        Histogram,
    }

    public string Name { get; }

    /// <summary>The family of an instrument, or null for a kind Prometheus' text format has no type for.</summary>
    public static MetricFamily? For(Instrument instrument)
    {
        var kind = instrument.GetType().IsGenericType ? instrument.GetType().GetGenericTypeDefinition() : null;
        if (kind == typeof(Counter<>))
        {
            return new(instrument, "counter", Aggregation.Sum, []);
        }

        if (kind == typeof(ObservableCounter<>))
        {
            // An observable counter reports its running total, not increments.
            return new(instrument, "counter", Aggregation.LastValue, []);
        }

        if (kind == typeof(UpDownCounter<>))
        {
            return new(instrument, "gauge", Aggregation.Sum, []);
        }

        if (kind == typeof(ObservableUpDownCounter<>) || kind == typeof(ObservableGauge<>) || kind == typeof(Gauge<>))
        {
            return new(instrument, "gauge", Aggregation.LastValue, []);
        }

        return kind == typeof(Histogram<>) ? new(instrument, "histogram", Aggregation.Histogram, Buckets(instrument)) : null;
    }

    public void Record(double value, ReadOnlySpan<KeyValuePair<string, object?>> tags)
    {
        var labels = PrometheusText.Labels(tags);
        lock (_lock)
        {
            switch (_aggregation)
            {
                case Aggregation.Sum:
                    _values[labels] = _values.GetValueOrDefault(labels) + value;
                    break;
                case Aggregation.LastValue:
                    _values[labels] = value;
                    break;
                default:
                    if (!_histograms.TryGetValue(labels, out var series))
                    {
                        _histograms[labels] = series = new HistogramSeries(_buckets.Length);
                    }

                    series.Add(value, _buckets);
                    break;
            }
        }
    }

    /// <summary>Forgets what observable instruments reported, so that series they no longer report disappear.</summary>
    public void BeginCollection()
    {
        if (_observable)
        {
            lock (_lock)
            {
                _values.Clear();
            }
        }
    }

    public void WriteTo(StringBuilder text)
    {
        if (_help.Length > 0)
        {
            text.Append("# HELP ").Append(Name).Append(' ').Append(PrometheusText.EscapeHelp(_help)).Append('\n');
        }

        text.Append("# TYPE ").Append(Name).Append(' ').Append(_type).Append('\n');
        lock (_lock)
        {
            foreach (var (labels, value) in _values.OrderBy(v => v.Key, StringComparer.Ordinal))
            {
                text.Append(Name).Append(PrometheusText.Braced(labels)).Append(' ').Append(PrometheusText.Number(value)).Append('\n');
            }

            foreach (var (labels, series) in _histograms.OrderBy(v => v.Key, StringComparer.Ordinal))
            {
                series.WriteTo(text, Name, labels, _buckets);
            }
        }
    }

    private static double[] Buckets(Instrument instrument) => instrument switch
    {
        Histogram<double> { Advice.HistogramBucketBoundaries: { Count: > 0 } bounds } => [.. bounds],
        Histogram<long> { Advice.HistogramBucketBoundaries: { Count: > 0 } bounds } => [.. bounds.Select(b => (double)b)],
        _ => DefaultBuckets,
    };

    private sealed class HistogramSeries(int buckets)
    {
        // Per bucket, not cumulative; the last slot counts values above every bound.
        private readonly long[] _counts = new long[buckets + 1];
        private double _sum;
        private long _count;

        public void Add(double value, double[] bounds)
        {
            var bucket = 0;
            while (bucket < bounds.Length && value > bounds[bucket])
            {
                bucket++;
            }

            _counts[bucket]++;
            _sum += value;
            _count++;
        }

        public void WriteTo(StringBuilder text, string name, string labels, double[] bounds)
        {
            var separator = labels.Length > 0 ? labels + "," : "";
            long cumulative = 0;
            for (var i = 0; i < bounds.Length; i++)
            {
                cumulative += _counts[i];
                text.Append(name).Append("_bucket{").Append(separator).Append("le=\"").Append(PrometheusText.Number(bounds[i])).Append("\"} ")
                    .Append(cumulative.ToString(CultureInfo.InvariantCulture)).Append('\n');
            }

            text.Append(name).Append("_bucket{").Append(separator).Append("le=\"+Inf\"} ").Append(_count.ToString(CultureInfo.InvariantCulture)).Append('\n');
            text.Append(name).Append("_sum").Append(PrometheusText.Braced(labels)).Append(' ').Append(PrometheusText.Number(_sum)).Append('\n');
            text.Append(name).Append("_count").Append(PrometheusText.Braced(labels)).Append(' ').Append(_count.ToString(CultureInfo.InvariantCulture)).Append('\n');
        }
    }
}
