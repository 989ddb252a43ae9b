using KubeRunner.Agent.Backends.Kubernetes.Api;
using Microsoft.Extensions.Logging;

namespace KubeRunner.Agent.Backends.Kubernetes.Watching;

/// <summary>The namespace watches of this agent, each started when a task (or the adoption) first needs it and kept until the agent stops.</summary>
internal sealed class KubernetesWatches(KubernetesApi api, string runnerUuid, TimeProvider time, ILogger<KubernetesWatches> logger) : IAsyncDisposable
{
    private readonly Dictionary<string, NamespaceWatch> _watches = new(StringComparer.Ordinal);

    public NamespaceWatch For(string ns)
    {
        lock (_watches)
        {
            if (!_watches.TryGetValue(ns, out var watch))
            {
                _watches[ns] = watch = new NamespaceWatch(api, ns, runnerUuid, time, logger);
            }

            return watch;
        }
    }

    public async ValueTask DisposeAsync()
    {
        List<NamespaceWatch> watches;
        lock (_watches)
        {
            watches = [.. _watches.Values];
            _watches.Clear();
        }

        foreach (var watch in watches)
        {
            await watch.DisposeAsync();
        }
    }
}
