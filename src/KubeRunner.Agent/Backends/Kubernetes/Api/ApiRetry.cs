using System.Net;
using System.Net.Sockets;
using k8s;
using k8s.Autorest;
using k8s.Models;

namespace KubeRunner.Agent.Backends.Kubernetes.Api;

/// <summary>
/// Runs one API request with the retries a transient failure deserves (no connection, 429, 5xx, a
/// timeout), backing off from <see cref="FirstDelay"/> doubling up to <see cref="MaxDelay"/>, and turns
/// every other failure into a <see cref="KubernetesApiException"/> carrying the API server's message.
/// </summary>
internal sealed class ApiRetry(TimeProvider time)
{
    public static readonly TimeSpan FirstDelay = TimeSpan.FromMilliseconds(500);
    public static readonly TimeSpan MaxDelay = TimeSpan.FromSeconds(8);
    public const int MaxAttempts = 6;

    /// <param name="what">The request in words, e.g. <c>creating Job ci/kube-runner-task-5-0b6e4c5a</c>.</param>
    public async Task<T> RunAsync<T>(string what, Func<CancellationToken, Task<T>> call, CancellationToken cancellationToken)
    {
        var delay = FirstDelay;
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                return await call(cancellationToken);
            }
            catch (Exception e) when (!cancellationToken.IsCancellationRequested && IsTransient(e) && attempt < MaxAttempts)
            {
                await Task.Delay(delay, time, cancellationToken);
                delay = TimeSpan.FromTicks(Math.Min(delay.Ticks * 2, MaxDelay.Ticks));
            }
            catch (Exception e) when (!cancellationToken.IsCancellationRequested && IsApiFailure(e))
            {
                throw new KubernetesApiException($"{what} failed: {Describe(e)}", StatusOf(e), e);
            }
        }
    }

    public Task RunAsync(string what, Func<CancellationToken, Task> call, CancellationToken cancellationToken) =>
        RunAsync(what, async token =>
        {
            await call(token);
            return true;
        }, cancellationToken);

    public static bool IsTransient(Exception e) => e switch
    {
        HttpOperationException http => (int)http.Response.StatusCode is 429 or 500 or 502 or 503 or 504,
        HttpRequestException or IOException or SocketException or TimeoutException => true,
        // HttpClient's own timeout, not the caller's cancel (the filter above checks that).
        TaskCanceledException => true,
        _ => false,
    };

    public static bool IsApiFailure(Exception e) => IsTransient(e) || e is HttpOperationException or KubernetesException or k8s.Exceptions.KubeConfigException;

    /// <summary>The API server's own words (its Status message) with the HTTP status, or the transport's error.</summary>
    public static string Describe(Exception e)
    {
        switch (e)
        {
            case HttpOperationException http:
                var code = $"{(int)http.Response.StatusCode} {http.Response.StatusCode}";
                var status = TryStatus(http.Response.Content);
                return status?.Message is { Length: > 0 } message ? $"{message} ({code})" : $"the API server answered {code}";
            case KubernetesException kube when kube.Status?.Message is { Length: > 0 } said:
                return said;
            case HttpRequestException { InnerException: { } inner }:
                return $"{e.Message} ({inner.Message})";
            case TaskCanceledException:
                return "the API server did not answer in time";
            default:
                return e.Message;
        }
    }

    private static int? StatusOf(Exception e) => e switch
    {
        HttpOperationException http => (int)http.Response.StatusCode,
        KubernetesException { Status.Code: { } code } => code,
        _ => null,
    };

    private static V1Status? TryStatus(string? content)
    {
        if (string.IsNullOrWhiteSpace(content))
        {
            return null;
        }

        try
        {
            return KubernetesJson.Deserialize<V1Status>(content);
        }
        catch (System.Text.Json.JsonException)
        {
            return null;
        }
    }

    /// <summary>Whether an exception is the API answering 404 (the object is gone).</summary>
    public static bool IsNotFound(Exception e) => e is HttpOperationException { Response.StatusCode: HttpStatusCode.NotFound }
        || e is KubernetesApiException { IsNotFound: true };
}
