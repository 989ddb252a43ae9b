using System.Diagnostics.Metrics;
using KubeRunner.Agent.Forge;
using KubeRunner.Agent.Hosting;
using KubeRunner.Protocol.Runner.V1;

namespace KubeRunner.Agent.Diagnostics;

/// <summary>
/// The agent's instruments, on the meter <see cref="MeterName"/>. Instrument names are the Prometheus
/// names (<see cref="Prometheus.PrometheusExporter"/> writes them as they are), so a dashboard query
/// can be found in the code by its name. The meter comes from the daemon's <see cref="IMeterFactory"/>:
/// an exporter takes only the meter of its own factory, so agents sharing a process (tests) do not
/// see each other's numbers.
/// </summary>
internal sealed class AgentMetrics
{
    public const string MeterName = "KubeRunner.Agent";

    // Before Unobserved: static fields are initialised in order.
    private static readonly double[] FetchBuckets = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30];

    /// <summary>For pieces made without the agent's services (benchmarks, unit tests): a meter no exporter reads.</summary>
    public static readonly AgentMetrics Unobserved = new(new Meter(MeterName + ".Unobserved"));

    private readonly UpDownCounter<long> _tasksRunning;
    private readonly Counter<long> _tasksFinished;
    private readonly Counter<long> _tasksReceived;
    private readonly Histogram<double> _fetchDuration;
    private readonly Counter<long> _fetchErrors;
    private readonly Counter<long> _logRowsSent;
    private readonly Counter<long> _logBytesSent;
    private readonly UpDownCounter<long> _backlogRows;
    private readonly Counter<long> _backendOperations;
    private readonly Counter<long> _backendFailures;
    private readonly UpDownCounter<long> _executorConnections;
    private readonly Gauge<int> _forgeUp;

    public AgentMetrics(IMeterFactory factory)
        : this(factory.Create(new MeterOptions(MeterName) { Version = AgentVersion.Value }))
    {
    }

    private AgentMetrics(Meter meter)
    {
        _tasksRunning = meter.CreateUpDownCounter<long>("kube_runner_tasks_running", description: "Tasks running now (fetched or taken over from an earlier agent process).");
        _tasksFinished = meter.CreateCounter<long>("kube_runner_tasks_finished_total", description: "Tasks ended, by the result reported to the forge.");
        _tasksReceived = meter.CreateCounter<long>("kube_runner_tasks_received_total", description: "Tasks the forge handed to this runner.");
        _fetchDuration = meter.CreateHistogram("kube_runner_fetch_duration_seconds", "s", "Duration of FetchTask calls, failed ones included.",
            tags: null, advice: new InstrumentAdvice<double> { HistogramBucketBoundaries = FetchBuckets });
        _fetchErrors = meter.CreateCounter<long>("kube_runner_fetch_errors_total", description: "FetchTask calls that failed: transient (worth retrying) or refused (the forge said no).");
        _logRowsSent = meter.CreateCounter<long>("kube_runner_log_rows_sent_total", description: "Log rows the forge acknowledged.");
        _logBytesSent = meter.CreateCounter<long>("kube_runner_log_bytes_sent_total", description: "Bytes of the log rows the forge acknowledged (their size on the wire).");
        _backlogRows = meter.CreateUpDownCounter<long>("kube_runner_reporter_backlog_rows", description: "Log rows accepted but not yet acknowledged by the forge, over all tasks.");
        _backendOperations = meter.CreateCounter<long>("kube_runner_backend_operations_total", description: "What the backends created and deleted for tasks.");
        _backendFailures = meter.CreateCounter<long>("kube_runner_backend_failures_total", description: "Tasks a backend failed itself, by the cause's short name.");
        _executorConnections = meter.CreateUpDownCounter<long>("kube_runner_executor_connections", description: "Executors attached to this agent now.");
        _forgeUp = meter.CreateGauge<int>("kube_runner_forge_up", description: "1 when the last request to the forge succeeded, else 0.");
        meter.CreateObservableGauge("kube_runner_info", () => new Measurement<int>(1, new KeyValuePair<string, object?>("version", AgentVersion.Value)),
            description: "The running kube-runner's version.");

        // Every known series starts at 0, so that rates and alerts work before the first event.
        foreach (var result in (string[])["success", "failure", "cancelled", "skipped"])
        {
            _tasksFinished.Add(0, new KeyValuePair<string, object?>("result", result));
        }

        foreach (var kind in (string[])[FetchErrorKinds.Transient, FetchErrorKinds.Refused])
        {
            _fetchErrors.Add(0, new KeyValuePair<string, object?>("kind", kind));
        }

        _tasksRunning.Add(0);
        _tasksReceived.Add(0);
        _logRowsSent.Add(0);
        _logBytesSent.Add(0);
        _backlogRows.Add(0);
        _executorConnections.Add(0);
    }

    public void TaskStarted() => _tasksRunning.Add(1);

    public void TaskEnded() => _tasksRunning.Add(-1);

    public void TaskFinished(Result result) => _tasksFinished.Add(1, new KeyValuePair<string, object?>("result", result switch
    {
        Result.Success => "success",
        Result.Cancelled => "cancelled",
        Result.Skipped => "skipped",
        // The reporter closes an unspecified result as failed, and so does the forge.
        _ => "failure",
    }));

    public void TaskReceived() => _tasksReceived.Add(1);

    public void FetchCompleted(TimeSpan duration) => _fetchDuration.Record(duration.TotalSeconds);

    public void FetchFailed(Exception exception) => _fetchErrors.Add(1, new KeyValuePair<string, object?>("kind",
        ForgeErrors.IsTransient(exception) ? FetchErrorKinds.Transient : FetchErrorKinds.Refused));

    public void LogRowsSent(long rows, long bytes)
    {
        _logRowsSent.Add(rows);
        _logBytesSent.Add(bytes);
    }

    public void BacklogChanged(long rows)
    {
        if (rows != 0)
        {
            _backlogRows.Add(rows);
        }
    }

    /// <param name="operation"><c>create</c> (the task's container, process or Job) or <c>delete</c>.</param>
    public void BackendOperation(string backend, string operation) =>
        _backendOperations.Add(1, new KeyValuePair<string, object?>("backend", backend), new KeyValuePair<string, object?>("operation", operation));

    /// <param name="reason">A short stable word, see <see cref="BackendFailureReasons"/>, or a Kubernetes failure's name.</param>
    public void BackendFailure(string backend, string reason) =>
        _backendFailures.Add(1, new KeyValuePair<string, object?>("backend", backend), new KeyValuePair<string, object?>("reason", reason));

    public void ExecutorAttached() => _executorConnections.Add(1);

    public void ExecutorDetached() => _executorConnections.Add(-1);

    public void ForgeAnswered(bool up) => _forgeUp.Record(up ? 1 : 0);
}

/// <summary>The <c>kind</c> label of <c>kube_runner_fetch_errors_total</c>, from <see cref="ForgeErrors.IsTransient"/>.</summary>
internal static class FetchErrorKinds
{
    public const string Transient = "transient";
    public const string Refused = "refused";
}

/// <summary>The <c>reason</c> label of <c>kube_runner_backend_failures_total</c> besides Kubernetes' own failure names.</summary>
internal static class BackendFailureReasons
{
    /// <summary>The task's container or Job cannot be made from what the workflow and the profile say.</summary>
    public const string InvalidSpec = "invalid_spec";

    /// <summary>Docker or the Kubernetes API refused a request or could not be reached.</summary>
    public const string ApiError = "api_error";

    /// <summary>Docker could not pull an image of the task.</summary>
    public const string ImagePull = "image_pull";

    /// <summary>A service container of the task did not become healthy.</summary>
    public const string ServiceUnhealthy = "service_unhealthy";

    /// <summary>The host backend could not start the executor.</summary>
    public const string ExecutorStart = "executor_start";

    /// <summary>The executor ended, or its container or pod did, without reporting the job's result.</summary>
    public const string ExecutorLost = "executor_lost";
}
