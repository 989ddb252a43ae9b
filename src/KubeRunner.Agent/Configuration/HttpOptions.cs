namespace KubeRunner.Agent.Configuration;

/// <summary>
/// The <c>http</c> section of config.yaml (KubeRunner's own): where the agent serves <c>/healthz</c>,
/// <c>/readyz</c> and Prometheus <c>/metrics</c> over HTTP/1.1, for kubelet probes, service managers
/// and scrapers. It is a port of its own because the executor port speaks only HTTP/2 (gRPC without TLS).
/// </summary>
internal sealed record HttpOptions
{
    /// <summary>A TCP address (<c>host:port</c>); empty serves nothing.</summary>
    public string Listen { get; init; } = "";
}
