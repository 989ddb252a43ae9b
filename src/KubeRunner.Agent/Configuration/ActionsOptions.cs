namespace KubeRunner.Agent.Configuration;

/// <summary>
/// The <c>actions</c> section of config.yaml (KubeRunner's own): where the agent keeps the actions
/// that <c>uses:</c> steps name, downloaded once and handed to executors from there.
/// </summary>
internal sealed class ActionsOptions
{
    public const long DefaultCacheMaxSize = 2L << 30;
    public static readonly TimeSpan DefaultResolveTtl = TimeSpan.FromMinutes(1);
    public static readonly TimeSpan DefaultDownloadTimeout = TimeSpan.FromMinutes(5);

    /// <summary>Absolute directory of the cache; the loader fills in <c>actions</c> under <c>host.workdir_parent</c>.</summary>
    public string CacheDir { get; init; } = "";

    /// <summary>Total size in bytes beyond which the least recently used actions not in use are removed.</summary>
    public long CacheMaxSize { get; init; } = DefaultCacheMaxSize;

    /// <summary>How long a tag or branch stays resolved to the same commit; zero resolves every time.</summary>
    public TimeSpan ResolveTtl { get; init; } = DefaultResolveTtl;

    /// <summary>The longest one action may take to resolve, and again to download.</summary>
    public TimeSpan DownloadTimeout { get; init; } = DefaultDownloadTimeout;

    /// <summary>
    /// A node binary for node actions whose job has none on its PATH (absolute; empty: none). The host
    /// backend hands its path to the executor; container backends will copy it into the job.
    /// </summary>
    public string Node { get; init; } = "";
}
