namespace KubeRunner.Testing.FakeForge;

public sealed class FakeForgeOptions
{
    /// <summary>A sub-path the instance lives under, e.g. <c>/forgejo</c> (§1.1: the instance URL may have a path).</summary>
    public string BasePath { get; init; } = "";

    /// <summary>Serve HTTPS (HTTP/1.1 and HTTP/2 by ALPN) with an in-memory self-signed certificate.</summary>
    public bool UseTls { get; init; }

    /// <summary>Context keys <c>forgejo_default_actions_url</c> and <c>gitea_default_actions_url</c> (§4.3).</summary>
    public string DefaultActionsUrl { get; init; } = "https://data.forgejo.org";

    /// <summary>Context key <c>forgejo_server_version</c>.</summary>
    public string ServerVersion { get; init; } = "15.0.0";

    /// <summary>The clock for stored times (last_online, task start, journal); injected delays use real time.</summary>
    public TimeProvider TimeProvider { get; init; } = TimeProvider.System;
}
