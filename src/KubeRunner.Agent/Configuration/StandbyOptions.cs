namespace KubeRunner.Agent.Configuration;

/// <summary>
/// The <c>standby</c> section of config.yaml (KubeRunner's own): how agents that back each other up
/// see each other. For now every agent with a fleet secret serves its status to its peers.
/// </summary>
internal sealed record StandbyOptions
{
    /// <summary>
    /// A file holding the secret the agents of one fleet share; peers present it to read
    /// <c>/standby/v1/status</c> on <c>http.listen</c>. Empty: the endpoint is not served.
    /// </summary>
    public string FleetSecretFile { get; init; } = "";
}
