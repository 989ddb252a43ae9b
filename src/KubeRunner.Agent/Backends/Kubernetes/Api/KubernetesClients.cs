using k8s;
using KubeRunner.Agent.Configuration;

namespace KubeRunner.Agent.Backends.Kubernetes.Api;

/// <summary>Makes the API client from kubernetes.kubeconfig, the in-cluster service account, or ~/.kube/config, in that order.</summary>
internal static class KubernetesClients
{
    public static IKubernetes Create(KubernetesOptions options, TimeProvider time, ApiReachability? reachability = null)
    {
        var configuration = options.Kubeconfig.Length > 0
            ? KubernetesClientConfiguration.BuildConfigFromConfigFile(options.Kubeconfig)
            : KubernetesClientConfiguration.IsInCluster()
                ? KubernetesClientConfiguration.InClusterConfig()
                : KubernetesClientConfiguration.BuildConfigFromConfigFile();
        // Watches stream for minutes; other requests get their own bound (KubernetesApi).
        configuration.HttpClientTimeout = Timeout.InfiniteTimeSpan;
        DelegatingHandler[] handlers = reachability is null
            ? [new RateLimitHandler(options.Qps, options.Burst, time)]
            : [new RateLimitHandler(options.Qps, options.Burst, time), new ReachabilityHandler(reachability)];
        return new k8s.Kubernetes(configuration, handlers);
    }

    public static string Describe(KubernetesOptions options, Exception e) => options.Kubeconfig.Length > 0
        ? $"kubernetes.kubeconfig: {options.Kubeconfig} cannot be used: {e.Message}"
        : $"The runner found no Kubernetes configuration (not in a pod, and ~/.kube/config cannot be used: {e.Message}); set kubernetes.kubeconfig";
}
