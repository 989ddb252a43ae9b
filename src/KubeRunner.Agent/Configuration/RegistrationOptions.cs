namespace KubeRunner.Agent.Configuration;

/// <summary>
/// The <c>registration</c> section of config.yaml (KubeRunner's own): a daemon that registers itself
/// on its first start, as <c>kube-runner register --no-interactive</c> would, for agents that nobody
/// registers by hand (a pod of the Helm chart, a service started from a provisioning script).
/// </summary>
internal sealed record RegistrationOptions
{
    /// <summary>URL of the forge to register with; empty means the daemon needs a <c>.runner</c> made by <c>register</c>.</summary>
    public string Instance { get; init; } = "";

    /// <summary>A file holding the registration token (a mounted Secret, a systemd credential); read at each attempt.</summary>
    public string TokenFile { get; init; } = "";

    /// <summary>The runner's name in Forgejo; empty means the host name.</summary>
    public string Name { get; init; } = "";

    /// <summary>
    /// A Kubernetes Secret that keeps the <c>.runner</c> content instead of the file <c>runner.file</c>,
    /// so that a rescheduled pod keeps its identity; empty means the file.
    /// </summary>
    public string Secret { get; init; } = "";

    /// <summary>The Secret's namespace; empty means <c>$POD_NAMESPACE</c> (the agent pod's own), else <c>kubernetes.namespace</c>.</summary>
    public string Namespace { get; init; } = "";

    /// <summary>Whether the daemon registers by itself.</summary>
    public bool Enabled => Instance.Length > 0;
}
