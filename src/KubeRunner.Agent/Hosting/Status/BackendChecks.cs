using KubeRunner.Agent.Backends;
using KubeRunner.Agent.Backends.Docker;
using KubeRunner.Agent.Backends.Kubernetes;
using KubeRunner.Agent.Backends.Kubernetes.Api;
using KubeRunner.Agent.Labels;

namespace KubeRunner.Agent.Hosting.Status;

/// <summary>The readiness checks of the backends the runner's labels use, one per backend.</summary>
internal static class BackendChecks
{
    public static IReadOnlyList<IReadinessCheck> For(IEnumerable<IJobBackend> backends, LabelSet labels, TimeProvider time) =>
    [
        .. backends.Where(backend => labels.Labels.Any(backend.CanRun)).Select<IJobBackend, IReadinessCheck>(backend => backend switch
        {
            DockerBackend docker => new DockerCheck(docker, time),
            KubernetesBackend kubernetes => new KubernetesCheck(kubernetes.Api),
            // The host backend needs nothing but this process.
            _ => new PassingCheck(backend.Name),
        }),
    ];

    private static string NameOf(string backend) => $"backend {backend}";

    private sealed class PassingCheck(string backend) : IReadinessCheck
    {
        public string Name { get; } = NameOf(backend);

        public ValueTask<string?> ProblemAsync(CancellationToken cancellationToken) => ValueTask.FromResult<string?>(null);
    }

    /// <summary>
    /// Passive: what the API server did with the backend's last request or watch (the namespace's
    /// watch keeps one open), so a probe costs no request. The kubeconfig is read on the first probe.
    /// </summary>
    private sealed class KubernetesCheck(KubernetesApi api) : IReadinessCheck
    {
        public string Name { get; } = NameOf(KubernetesBackend.BackendName);

        public ValueTask<string?> ProblemAsync(CancellationToken cancellationToken)
        {
            try
            {
                _ = api.Client;
            }
            catch (KubernetesApiException e)
            {
                return ValueTask.FromResult<string?>(e.Message);
            }

            return ValueTask.FromResult(api.Reachability?.Problem is { } problem ? $"the API server could not be reached: {problem}" : null);
        }
    }

    /// <summary>A ping of the Docker daemon, kept for <see cref="CacheFor"/> so that frequent probes cost one ping.</summary>
    private sealed class DockerCheck(DockerBackend docker, TimeProvider time) : IReadinessCheck
    {
        public static readonly TimeSpan CacheFor = TimeSpan.FromSeconds(5);
        private static readonly TimeSpan PingTimeout = TimeSpan.FromSeconds(3);

        private readonly Lock _lock = new();
        private Task<string?>? _ping;
        private long _pinged;

        public string Name { get; } = NameOf(DockerAdoption.BackendName);

        public async ValueTask<string?> ProblemAsync(CancellationToken cancellationToken)
        {
            Task<string?> ping;
            lock (_lock)
            {
                // Concurrent probes share the ping in flight; a finished one is reused until it is too old.
                if (_ping is null || (_ping.IsCompleted && time.GetElapsedTime(_pinged) > CacheFor))
                {
                    _pinged = time.GetTimestamp();
                    _ping = PingAsync();
                }

                ping = _ping;
            }

            return await ping.WaitAsync(cancellationToken);
        }

        private async Task<string?> PingAsync()
        {
            using var timeout = new CancellationTokenSource(PingTimeout, time);
            try
            {
                return await docker.PingAsync(timeout.Token);
            }
            catch (OperationCanceledException) when (timeout.IsCancellationRequested)
            {
                return $"Docker did not answer a ping within {Configuration.GoDuration.Format(PingTimeout)}";
            }
        }
    }
}
