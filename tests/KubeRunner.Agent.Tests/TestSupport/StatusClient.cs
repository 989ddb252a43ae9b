using System.Globalization;
using System.Net;
using System.Net.Sockets;
using KubeRunner.Testing;

namespace KubeRunner.Agent.Tests.TestSupport;

/// <summary>A free loopback port for a daemon's <c>http.listen</c>, and requests to its /healthz, /readyz and /metrics.</summary>
internal sealed class StatusClient : IDisposable
{
    private readonly HttpClient _http = new() { Timeout = TestTimeouts.Default };

    public StatusClient()
    {
        using var probe = new TcpListener(IPAddress.Loopback, 0);
        probe.Start();
        Port = ((IPEndPoint)probe.LocalEndpoint).Port;
    }

    public int Port { get; }

    /// <summary>The value for <c>http.listen</c>.</summary>
    public string Listen => $"127.0.0.1:{Port}";

    /// <param name="bearer">Sent as <c>Authorization: Bearer …</c> when given.</param>
    public async Task<StatusAnswer> GetAsync(string path, string? bearer = null)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, new Uri($"http://127.0.0.1:{Port}{path}"));
        if (bearer is not null)
        {
            request.Headers.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", bearer);
        }

        using var response = await _http.SendAsync(request);
        return new StatusAnswer(response.StatusCode, response.Content.Headers.ContentType?.ToString() ?? "", await response.Content.ReadAsStringAsync());
    }

    /// <summary>Asks again until the answer satisfies <paramref name="done"/> (the server may not listen yet); the last answer on timeout.</summary>
    public async Task<StatusAnswer> WaitAsync(string path, Func<StatusAnswer, bool> done, TimeSpan? timeout = null, string? bearer = null)
    {
        var deadline = DateTime.UtcNow + (timeout ?? TestTimeouts.Scenario);
        StatusAnswer? last = null;
        while (DateTime.UtcNow < deadline)
        {
            try
            {
                last = await GetAsync(path, bearer);
                if (done(last))
                {
                    return last;
                }
            }
            catch (HttpRequestException)
            {
                // Not listening yet.
            }

            await Task.Delay(TimeSpan.FromMilliseconds(100));
        }

        throw new TimeoutException($"GET {path} did not give the expected answer in time; the last: {last}");
    }

    /// <summary>Waits until the sample <paramref name="series"/> of /metrics (name with labels as written) satisfies <paramref name="done"/>.</summary>
    public async Task<StatusAnswer> WaitForMetricAsync(string series, Func<double, bool> done) =>
        await WaitAsync("/metrics", answer => Sample(answer.Body, series) is { } value && done(value));

    /// <summary>The value of the sample line <c>series value</c>, or null when there is none.</summary>
    public static double? Sample(string metrics, string series)
    {
        foreach (var line in metrics.Split('\n'))
        {
            if (line.StartsWith(series + " ", StringComparison.Ordinal))
            {
                return double.Parse(line[(series.Length + 1)..], CultureInfo.InvariantCulture);
            }
        }

        return null;
    }

    public void Dispose() => _http.Dispose();
}

internal sealed record StatusAnswer(HttpStatusCode Status, string ContentType, string Body)
{
    public override string ToString() => $"{(int)Status} {ContentType}\n{Body}";
}
