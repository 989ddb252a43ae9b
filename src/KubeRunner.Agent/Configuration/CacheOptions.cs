namespace KubeRunner.Agent.Configuration;

/// <summary>The <c>cache</c> section of config.yaml (the actions/cache server and proxy).</summary>
internal sealed class CacheOptions
{
    public bool Enabled { get; init; } = true;

    /// <summary>Cache storage; the loader fills in <c>$HOME/.cache/actcache</c> when the cache is enabled.</summary>
    public string Dir { get; init; } = "";

    /// <summary>Host or IP put into <c>ACTIONS_CACHE_URL</c>; empty means detect the outbound address.</summary>
    public string Host { get; init; } = "";

    /// <summary>Port of the internal cache server; zero picks a free port.</summary>
    public int Port { get; init; }

    /// <summary>Port of the cache proxy; zero picks a free port.</summary>
    public int ProxyPort { get; init; }

    /// <summary>URL of an external cache server used instead of the internal one.</summary>
    public string ExternalServer { get; init; } = "";

    /// <summary>Replaces the <c>ACTIONS_CACHE_URL</c> given to jobs.</summary>
    public string ActionsCacheUrlOverride { get; init; } = "";

    /// <summary>Shared secret between proxy and server; empty means a random one per start.</summary>
    public string Secret { get; init; } = "";
}
