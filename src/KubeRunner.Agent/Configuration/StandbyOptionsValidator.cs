using KubeRunner.Agent.Standby.ForgeApi;
using Microsoft.Extensions.Options;

namespace KubeRunner.Agent.Configuration;

/// <summary>
/// Semantic checks of <see cref="StandbyOptions"/>; failures read <c>key: problem</c> like the other
/// validators' (list items as <c>standby.peers[1]</c>), so that the loader can point at the line.
/// </summary>
/// <param name="httpListen">http.listen, where peers and <c>kube-runner drain</c> reach this agent.</param>
internal sealed class StandbyOptionsValidator(string httpListen) : IValidateOptions<StandbyOptions>
{
    private const string Scopes = "admin, org/NAME, repo/OWNER/NAME or user";

    // The forge marks a runner offline after a minute without a call (reference/standby.md §2.4).
    private static readonly TimeSpan ForgeOfflineAfter = TimeSpan.FromMinutes(1);

    public ValidateOptionsResult Validate(string? name, StandbyOptions options)
    {
        List<string> failures = [];
        var hasSecret = options.FleetSecretFile.Length > 0;
        if (options.Priority < 0)
        {
            failures.Add($"standby.priority: must be 0 (a primary) or more (a standby), not {options.Priority}");
        }

        if (options.IsStandby && options.Peers.Count == 0)
        {
            failures.Add($"standby.priority: a standby (priority {options.Priority}) needs standby.peers, the http.listen URLs of the agents it backs up, e.g. [http://crunchy01:9110]");
        }

        if (options.IsStandby && options.Peers.Count == 0 && !hasSecret)
        {
            failures.Add($"standby.priority: a standby (priority {options.Priority}) needs standby.fleet_secret_file, the secret its peers accept; name the file that holds it");
        }

        if (options.Peers.Count > 0 && !hasSecret)
        {
            failures.Add("standby.peers: reading peers needs standby.fleet_secret_file, the secret they accept; name the file that holds the fleet's shared secret");
        }

        CheckPeers(options.Peers, failures);
        if (hasSecret && httpListen.Length == 0)
        {
            failures.Add("standby.fleet_secret_file: needs http.listen, where peers and kube-runner drain reach this agent; set it, e.g. 0.0.0.0:9110");
        }

        Positive("standby.peer_interval", options.PeerInterval, failures);
        Positive("standby.peer_timeout", options.PeerTimeout, failures);
        if (options.PeerTimeout > TimeSpan.Zero && options.PeerInterval > TimeSpan.Zero && options.PeerTimeout >= options.PeerInterval)
        {
            failures.Add($"standby.peer_timeout: {GoDuration.Format(options.PeerTimeout)} is not shorter than standby.peer_interval ({GoDuration.Format(options.PeerInterval)}); a read must end before the next one starts");
        }

        if (options.PeerLostAfter < 1)
        {
            failures.Add($"standby.peer_lost_after: must be at least 1 (missed reads in a row before a peer is lost), not {options.PeerLostAfter}");
        }

        Positive("standby.forge_jobs_poll", options.ForgeJobsPoll, failures);
        Positive("standby.forge_status_poll", options.ForgeStatusPoll, failures);
        Positive("standby.grace_down", options.GraceDown, failures);
        RunnerOptionsValidator.NotNegative("standby.grace_saturated", options.GraceSaturated, "0s spills over at once", failures);
        Positive("standby.grace_unknown", options.GraceUnknown, failures);
        Positive("standby.grace_healthy", options.GraceHealthy, failures);
        Positive("standby.grace_step", options.GraceStep, failures);
        Positive("standby.recover_after", options.RecoverAfter, failures);
        Positive("standby.min_active_dwell", options.MinActiveDwell, failures);
        Positive("standby.declare_keepalive", options.DeclareKeepalive, failures);
        CheckApi(options, failures);
        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }

    /// <summary>Settings that do no harm but have no effect, or one the operator probably did not want: key and message.</summary>
    public static IEnumerable<(string Key, string Message)> Warnings(StandbyOptions options)
    {
        if (!options.IsStandby)
        {
            const string Primary = "but standby.priority is 0: this agent is a primary and";
            const string Fix = "give it a priority of 1 or more to make it a standby, or remove the key";
            if (options.Peers.Count > 0)
            {
                yield return ("standby.peers", $"set {Primary} watches no peer; {Fix}");
            }

            if (options.ApiTokenFile.Length > 0)
            {
                yield return ("standby.api_token_file", $"set {Primary} reads no forge API; {Fix}");
            }

            if (options.ApiScope.Length > 0)
            {
                yield return ("standby.api_scope", $"set {Primary} reads no forge API; {Fix}");
            }
        }
        else if (options.DeclareKeepalive >= ForgeOfflineAfter)
        {
            yield return ("standby.declare_keepalive",
                $"{GoDuration.Format(options.DeclareKeepalive)} lets the forge show this standby offline between calls (it does after {GoDuration.Format(ForgeOfflineAfter)} without one); use less, e.g. {GoDuration.Format(StandbyOptions.DefaultDeclareKeepalive)}");
        }
    }

    private static void CheckPeers(IReadOnlyList<string> peers, List<string> failures)
    {
        Dictionary<string, int> seen = new(StringComparer.Ordinal);
        for (var index = 0; index < peers.Count; index++)
        {
            var key = $"standby.peers[{index}]";
            var peer = peers[index];
            if (!Uri.TryCreate(peer, UriKind.Absolute, out var uri) || uri.Scheme is not ("http" or "https") || uri.Host.Length == 0)
            {
                failures.Add($"{key}: '{peer}' is not an http(s) URL with a host; write the peer's http.listen as http://host:port");
                continue;
            }

            if (uri.Query.Length > 0 || uri.Fragment.Length > 0)
            {
                failures.Add($"{key}: '{peer}' has a query or fragment; give the peer's base URL only, e.g. {uri.GetLeftPart(UriPartial.Path)}");
                continue;
            }

            // Uri lower-cases scheme and host and drops a default port: two spellings of one peer are one.
            var normalized = uri.AbsoluteUri.TrimEnd('/');
            if (seen.TryGetValue(normalized, out var first))
            {
                failures.Add($"{key}: '{peer}' is the same peer as standby.peers[{first}]; list each peer once");
            }
            else
            {
                seen[normalized] = index;
            }
        }
    }

    private static void CheckApi(StandbyOptions options, List<string> failures)
    {
        if (options.ApiTokenFile.Length > 0 && options.ApiScope.Length == 0)
        {
            failures.Add($"standby.api_token_file: needs standby.api_scope, whose waiting jobs and runners the token reads ({Scopes})");
        }

        if (options.ApiScope.Length > 0 && options.ApiTokenFile.Length == 0)
        {
            failures.Add("standby.api_scope: needs standby.api_token_file, the file holding a forge API token with read scope at that level");
        }

        if (options.ApiScope.Length > 0 && ForgeApiScope.TryParse(options.ApiScope, out _) is null)
        {
            failures.Add($"standby.api_scope: '{options.ApiScope}' is not a scope; use {Scopes}, the level the runners are registered at");
        }
    }

    private static void Positive(string key, TimeSpan value, List<string> failures)
    {
        if (value <= TimeSpan.Zero)
        {
            failures.Add($"{key}: must be more than 0s, not {GoDuration.Format(value)}");
        }
    }
}
