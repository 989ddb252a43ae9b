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

    /// <summary>Which of Forgejo's HTTP API (<c>/api/v1</c>) pieces a standby reads are served (standby.md §2.7).</summary>
    public FakeForgeApiLevel ApiLevel { get; init; } = FakeForgeApiLevel.Forgejo15;

    /// <summary>
    /// A runner whose last call is older than this is <c>offline</c> in the runner lists (Forgejo's
    /// RunnerOfflineTime, one minute; standby.md §2.4).
    /// </summary>
    public TimeSpan RunnerOfflineAfter { get; init; } = TimeSpan.FromMinutes(1);
}

/// <summary>The Forgejo release whose <c>/api/v1</c> runner endpoints the fake serves (standby.md §2.7).</summary>
public enum FakeForgeApiLevel
{
    /// <summary>Jobs lists with attempt and handle (both admin paths), runner lists and single runners.</summary>
    Forgejo15,

    /// <summary>
    /// Jobs lists only, without attempt and handle; the admin list only at <c>/admin/runners/jobs</c>; a missing
    /// <c>labels</c> parameter filters on <c>[""]</c> as 11–13 do. Runner lists answer 404.
    /// </summary>
    Forgejo11,

    /// <summary>Before Forgejo 11: only <c>/version</c>; every runner or jobs path answers 404.</summary>
    None,
}
