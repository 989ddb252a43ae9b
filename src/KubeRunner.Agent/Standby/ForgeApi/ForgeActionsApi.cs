using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Text.Json;
using System.Text.Json.Serialization.Metadata;
using KubeRunner.Agent.Hosting;

namespace KubeRunner.Agent.Standby.ForgeApi;

/// <summary>
/// Forgejo's jobs and runner lists over HTTP (standby.md §2.5), read with a token at one level. Every answer is
/// a <see cref="ForgeApiResult{T}"/>: nothing here throws for a server's or network's fault, and no problem line
/// or exception message carries the token (it only travels in the <c>Authorization</c> header).
/// </summary>
internal sealed class ForgeActionsApi : IForgeActionsApi
{
    /// <summary>Forgejo's MAX_RESPONSE_ITEMS default: a larger limit is cut to it anyway.</summary>
    private const int PageSize = 50;

    private static readonly ProductInfoHeaderValue UserAgent = new("kube-runner", AgentVersion.Value);

    private readonly HttpClient _http;
    private readonly string _apiBase;
    private readonly string _token;
    private readonly ForgeApiScope _scope;
    private readonly TimeSpan _callTimeout;
    private readonly TimeProvider _time;
    private readonly string[] _jobsPaths;

    /// <summary>Which of <see cref="_jobsPaths"/> answered last; the admin list moved in Forgejo 15.</summary>
    private volatile int _jobsPath;

    /// <param name="http">From <c>ForgeHttp.CreateClient(runner.insecure)</c>; its own timeout is not relied on.</param>
    /// <param name="instance">The instance URL as the operator wrote it (it may have a sub-path).</param>
    /// <param name="token">The API token (standby.api_token_file's content, trimmed by the caller).</param>
    /// <param name="callTimeout">Upper bound of each HTTP call (one page of the runner list counts as one).</param>
    public ForgeActionsApi(HttpClient http, Uri instance, string token, ForgeApiScope scope, TimeSpan callTimeout, TimeProvider? time = null)
    {
        _http = http;
        _apiBase = instance.AbsoluteUri.TrimEnd('/') + "/api/v1/";
        _token = token;
        _scope = scope;
        _callTimeout = callTimeout;
        _time = time ?? TimeProvider.System;
        var prefix = scope.PathPrefix;
        // Forgejo 15 serves the admin list at /admin/actions/runners/jobs; 11–14 only at /admin/runners/jobs.
        _jobsPaths = scope.Level == ForgeApiLevel.Admin
            ? [prefix + "/actions/runners/jobs", prefix + "/runners/jobs"]
            : [prefix + "/actions/runners/jobs"];
    }

    public ForgeActionsApi(HttpClient http, Uri instance, string token, ForgeApiScope scope)
        : this(http, instance, token, scope, TimeSpan.FromSeconds(10))
    {
    }

    public async Task<ForgeApiResult<IReadOnlyList<WaitingJob>>> ListWaitingJobsAsync(IReadOnlyCollection<string> labels, CancellationToken cancellationToken)
    {
        // Always sent: without it 11–13 filter on [""] and list nothing (standby.md §2.5).
        var query = "?labels=" + string.Join(',', labels.Select(Uri.EscapeDataString));
        var start = _jobsPath;
        ForgeApiResult<IReadOnlyList<WaitingJob>> result = default;
        for (var i = 0; i < _jobsPaths.Length; i++)
        {
            var index = (start + i) % _jobsPaths.Length;
            var (outcome, jobs, _, problem) = await GetAsync(_jobsPaths[index] + query, ForgeApiJson.Default.ListApiRunJob, cancellationToken);
            if (outcome == ForgeApiOutcome.Ok)
            {
                _jobsPath = index;
                return ForgeApiResult<IReadOnlyList<WaitingJob>>.Success(ToWaiting(jobs, labels));
            }

            result = ForgeApiResult<IReadOnlyList<WaitingJob>>.Fail(outcome, problem!);
            if (outcome != ForgeApiOutcome.Unsupported)
            {
                break;
            }
        }

        return result;
    }

    public async Task<ForgeApiResult<IReadOnlyList<ForgeRunnerStatus>>> ListRunnersAsync(CancellationToken cancellationToken)
    {
        var runners = new Dictionary<long, ForgeRunnerStatus>();
        for (var page = 1; ; page++)
        {
            var path = $"{_scope.PathPrefix}/actions/runners?page={page.ToString(CultureInfo.InvariantCulture)}&limit={PageSize.ToString(CultureInfo.InvariantCulture)}";
            var (outcome, items, total, problem) = await GetAsync(path, ForgeApiJson.Default.ListApiRunner, cancellationToken);
            if (outcome != ForgeApiOutcome.Ok)
            {
                return ForgeApiResult<IReadOnlyList<ForgeRunnerStatus>>.Fail(outcome, problem!);
            }

            var added = 0;
            foreach (var item in items ?? [])
            {
                added += runners.TryAdd(item.Id, new ForgeRunnerStatus(item.Id, item.Uuid ?? "", item.Name ?? "", MapStatus(item.Status))) ? 1 : 0;
            }

            // A short page, the announced total, or a page with nothing new (a server ignoring page) ends the list.
            if ((items?.Count ?? 0) < PageSize || added == 0 || (total is { } count && runners.Count >= count))
            {
                return ForgeApiResult<IReadOnlyList<ForgeRunnerStatus>>.Success([.. runners.Values]);
            }
        }
    }

    /// <summary>
    /// offline, idle and active as Forgejo 15 says (§2.4). Anything else (a later release's new word, or
    /// Gitea's "online") is read as idle: the forge knows the runner and does not call it offline, so an
    /// unknown word never counts as evidence that the runner is gone, which would make a standby claim sooner.
    /// </summary>
    internal static ForgeRunnerState MapStatus(string? status) => status?.Trim().ToLowerInvariant() switch
    {
        "offline" => ForgeRunnerState.Offline,
        "active" => ForgeRunnerState.Active,
        _ => ForgeRunnerState.Idle,
    };

    /// <summary>
    /// Keeps jobs waiting for a runner (status waiting, no task) that a runner with <paramref name="labels"/>
    /// could take; the server filtered already, this also holds against a server that did not (11–13 without
    /// labels, or a job without runs-on, which no runner is given).
    /// </summary>
    private static List<WaitingJob> ToWaiting(List<ApiRunJob>? jobs, IReadOnlyCollection<string> labels) =>
        [.. (jobs ?? [])
            .Where(j => j.TaskId == 0 && string.Equals(j.Status, "waiting", StringComparison.Ordinal))
            .Where(j => j.RunsOn is { Count: > 0 } runsOn && runsOn.All(l => labels.Contains(l, StringComparer.Ordinal)))
            .Select(j => new WaitingJob(
                // Before Forgejo 15 there is no handle; attempt 0 then means "not reported".
                string.IsNullOrEmpty(j.Handle) ? $"{j.Id}/{j.Attempt ?? 0}" : j.Handle,
                j.Id, string.IsNullOrEmpty(j.Handle) ? null : j.Handle, j.Attempt ?? 0, j.Name ?? "", [.. j.RunsOn!]))];

    private async Task<(ForgeApiOutcome Outcome, T? Value, long? Total, string? Problem)> GetAsync<T>(
        string relative, JsonTypeInfo<T> type, CancellationToken cancellationToken)
        where T : class
    {
        var shown = "/api/v1/" + relative.Split('?')[0];
        using var timeout = new CancellationTokenSource(_callTimeout, _time);
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, timeout.Token);
        using var request = new HttpRequestMessage(HttpMethod.Get, _apiBase + relative);
        request.Headers.Authorization = new AuthenticationHeaderValue("token", _token);
        request.Headers.Accept.ParseAdd("application/json");
        request.Headers.UserAgent.Add(UserAgent);
        try
        {
            using var response = await _http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, linked.Token);
            var status = (int)response.StatusCode;
            switch (response.StatusCode)
            {
                case HttpStatusCode.NotFound or HttpStatusCode.MethodNotAllowed:
                    return (ForgeApiOutcome.Unsupported, null, null,
                        $"the forge has no {shown} (HTTP {status}): a Forgejo before 11 has no jobs list, before 15 no runner list"
                        + (_scope.Level == ForgeApiLevel.Admin ? "" : $"; or it does not know standby.api_scope {_scope}"));
                case HttpStatusCode.Unauthorized or HttpStatusCode.Forbidden:
                    return (ForgeApiOutcome.Refused, null, null,
                        $"the forge refused the API token for {shown} (HTTP {status}): with standby.api_scope {_scope} the token (standby.api_token_file) needs {_scope.RequiredTokenScope}");
            }

            if (!response.IsSuccessStatusCode)
            {
                return (ForgeApiOutcome.Failed, null, null, $"the forge answered {shown} with HTTP {status}");
            }

            await using var body = await response.Content.ReadAsStreamAsync(linked.Token);
            // Forgejo sends null, not [], for an empty jobs list.
            var value = await JsonSerializer.DeserializeAsync(body, type, linked.Token);
            long? total = response.Headers.TryGetValues("X-Total-Count", out var counts)
                && long.TryParse(counts.FirstOrDefault(), NumberStyles.None, CultureInfo.InvariantCulture, out var count) ? count : null;
            return (ForgeApiOutcome.Ok, value, total, null);
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            return (ForgeApiOutcome.Failed, null, null, $"the forge did not answer {shown} within {_callTimeout.TotalSeconds:0.#} s");
        }
        catch (HttpRequestException e)
        {
            return (ForgeApiOutcome.Failed, null, null, $"could not reach the forge for {shown}: {Redact(e.Message)}");
        }
        catch (JsonException e)
        {
            return (ForgeApiOutcome.Failed, null, null, $"the forge's answer to {shown} is not the expected JSON: {Redact(e.Message)}");
        }
    }

    /// <summary>Exception messages do not carry request headers; this is a second line of defence.</summary>
    private string Redact(string message) =>
        _token.Length == 0 ? message : message.Replace(_token, "***", StringComparison.Ordinal);
}
