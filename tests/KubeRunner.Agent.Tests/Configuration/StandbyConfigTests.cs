using KubeRunner.Agent.Configuration;

namespace KubeRunner.Agent.Tests.Configuration;

public sealed class StandbyConfigTests : IDisposable
{
    /// <summary>A standby with every key set to a value other than its default.</summary>
    private const string FullStandby = """
        http:
          listen: 0.0.0.0:9110
        standby:
          fleet_secret_file: fleet
          priority: 2
          peers:
            - http://crunchy01:9110
            - https://crunchy02.example:9443/kube-runner
          peer_interval: 3s
          peer_timeout: 1500ms
          peer_lost_after: 5
          forge_jobs_poll: 7s
          forge_status_poll: 30s
          grace_down: 12s
          grace_saturated: 0s
          grace_unknown: 25s
          grace_healthy: 2m
          grace_step: 15s
          recover_after: 45s
          min_active_dwell: 5m
          declare_keepalive: 20s
          api_token_file: secrets/forge-read-token
          api_scope: repo/seaspots/brix
          spill_over: false
        """;

    // A fleet secret and the http.listen it needs (4 lines), which most cases below add to.
    private const string Standby = "http:\n  listen: 0.0.0.0:9110\nstandby:\n  fleet_secret_file: fleet\n";

    private readonly ConfigTestHost _host = new();

    public void Dispose() => _host.Dispose();

    [Fact]
    public void Load_NoStandbySection_IsAPrimaryWithTheDocumentedDefaults()
    {
        var standby = _host.LoadWithoutFile().Standby;

        var defaults = new StandbyOptions();
        Assert.Equal(defaults, standby with { Peers = defaults.Peers });
        Assert.Empty(standby.Peers);
        Assert.False(standby.IsStandby);
        Assert.Equal(0, standby.Priority);
        Assert.Equal(TimeSpan.FromSeconds(2), standby.PeerInterval);
        Assert.Equal(TimeSpan.FromSeconds(1), standby.PeerTimeout);
        Assert.Equal(3, standby.PeerLostAfter);
        Assert.Equal(TimeSpan.FromSeconds(20), standby.GraceSaturated);
        Assert.Equal(TimeSpan.FromSeconds(30), standby.DeclareKeepalive);
        Assert.Equal("", standby.ApiTokenFile);
        Assert.Equal("", standby.ApiScope);
        Assert.True(standby.SpillOver);
    }

    [Fact]
    public void Load_EveryStandbyKeySet_ParsesEachValue()
    {
        var config = _host.Load(FullStandby);
        var standby = config.Standby;

        Assert.Empty(config.Warnings);
        Assert.Equal(Path.Combine(_host.Directory.Path, "fleet"), standby.FleetSecretFile);
        Assert.Equal(2, standby.Priority);
        Assert.True(standby.IsStandby);
        Assert.Equal(["http://crunchy01:9110", "https://crunchy02.example:9443/kube-runner"], standby.Peers);
        Assert.Equal(TimeSpan.FromSeconds(3), standby.PeerInterval);
        Assert.Equal(TimeSpan.FromMilliseconds(1500), standby.PeerTimeout);
        Assert.Equal(5, standby.PeerLostAfter);
        Assert.Equal(TimeSpan.FromSeconds(7), standby.ForgeJobsPoll);
        Assert.Equal(TimeSpan.FromSeconds(30), standby.ForgeStatusPoll);
        Assert.Equal(TimeSpan.FromSeconds(12), standby.GraceDown);
        // 0s is not "the default" here: it spills over at once.
        Assert.Equal(TimeSpan.Zero, standby.GraceSaturated);
        Assert.Equal(TimeSpan.FromSeconds(25), standby.GraceUnknown);
        Assert.Equal(TimeSpan.FromMinutes(2), standby.GraceHealthy);
        Assert.Equal(TimeSpan.FromSeconds(15), standby.GraceStep);
        Assert.Equal(TimeSpan.FromSeconds(45), standby.RecoverAfter);
        Assert.Equal(TimeSpan.FromMinutes(5), standby.MinActiveDwell);
        Assert.Equal(TimeSpan.FromSeconds(20), standby.DeclareKeepalive);
        Assert.Equal(Path.Combine(_host.Directory.Path, "secrets", "forge-read-token"), standby.ApiTokenFile);
        Assert.Equal("repo/seaspots/brix", standby.ApiScope);
        Assert.False(standby.SpillOver);
    }

    [Fact]
    public void ToYaml_FullStandby_LoadsBackWithSameValuesAndNoWarnings()
    {
        var original = _host.Load(FullStandby);
        var printed = ConfigPrinter.ToYaml(original);

        var reloaded = _host.Load(printed);

        Assert.Empty(reloaded.Warnings);
        Assert.Equal(printed, ConfigPrinter.ToYaml(reloaded));
        Assert.Equal(original.Standby, reloaded.Standby with { Peers = original.Standby.Peers });
        Assert.Equal(original.Standby.Peers, reloaded.Standby.Peers);
        Assert.Contains("  grace_saturated: 0s\n", printed, StringComparison.Ordinal);
        Assert.Contains("  peers:\n    - http://crunchy01:9110\n", printed, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("standby:\n  priority: -1\n", "config.yaml:2: standby.priority: must be 0 (a primary) or more (a standby), not -1")]
    [InlineData("standby:\n  priority: 1\n", "config.yaml:2: standby.priority: a standby (priority 1) needs standby.peers, the http.listen URLs of the agents it backs up, e.g. [http://crunchy01:9110]")]
    [InlineData("standby:\n  peers: [http://a:9110]\n", "config.yaml:2: standby.peers: reading peers needs standby.fleet_secret_file, the secret they accept; name the file that holds the fleet's shared secret")]
    [InlineData("standby:\n  fleet_secret_file: fleet\n", "config.yaml:2: standby.fleet_secret_file: needs http.listen, where peers and kube-runner drain reach this agent; set it, e.g. 0.0.0.0:9110")]
    [InlineData(Standby + "  peers:\n    - http://a:9110\n    - a:9110\n", "config.yaml:7: standby.peers[1]: 'a:9110' is not an http(s) URL with a host; write the peer's http.listen as http://host:port")]
    [InlineData(Standby + "  peers:\n    - ftp://a/\n", "config.yaml:6: standby.peers[0]: 'ftp://a/' is not an http(s) URL with a host; write the peer's http.listen as http://host:port")]
    [InlineData(Standby + "  peers:\n    - /standby\n", "config.yaml:6: standby.peers[0]: '/standby' is not an http(s) URL with a host; write the peer's http.listen as http://host:port")]
    [InlineData(Standby + "  peers:\n    - http://a:9110/?x=1\n", "config.yaml:6: standby.peers[0]: 'http://a:9110/?x=1' has a query or fragment; give the peer's base URL only, e.g. http://a:9110/")]
    [InlineData(Standby + "  peers:\n    - http://A:9110\n    - http://a:9110/\n", "config.yaml:7: standby.peers[1]: 'http://a:9110/' is the same peer as standby.peers[0]; list each peer once")]
    [InlineData(Standby + "  peers: [http://a]\n  peer_timeout: 2s\n", "config.yaml:6: standby.peer_timeout: 2s is not shorter than standby.peer_interval (2s); a read must end before the next one starts")]
    [InlineData(Standby + "  peers: [http://a]\n  peer_lost_after: 0\n", "config.yaml:6: standby.peer_lost_after: must be at least 1 (missed reads in a row before a peer is lost), not 0")]
    [InlineData("standby:\n  peer_interval: 0s\n", "config.yaml:2: standby.peer_interval: must be more than 0s, not 0s")]
    [InlineData("standby:\n  grace_down: 0s\n", "config.yaml:2: standby.grace_down: must be more than 0s, not 0s")]
    [InlineData("standby:\n  grace_saturated: -1s\n", "config.yaml:2: standby.grace_saturated: must not be negative, not -1s (0s spills over at once)")]
    [InlineData("standby:\n  declare_keepalive: -5s\n", "config.yaml:2: standby.declare_keepalive: must be more than 0s, not -5s")]
    [InlineData("standby:\n  api_token_file: token\n", "config.yaml:2: standby.api_token_file: needs standby.api_scope, whose waiting jobs and runners the token reads (admin, org/NAME, repo/OWNER/NAME or user)")]
    [InlineData("standby:\n  api_scope: admin\n", "config.yaml:2: standby.api_scope: needs standby.api_token_file, the file holding a forge API token with read scope at that level")]
    [InlineData("standby:\n  api_token_file: token\n  api_scope: orgs/seaspots\n", "config.yaml:3: standby.api_scope: 'orgs/seaspots' is not a scope; use admin, org/NAME, repo/OWNER/NAME or user, the level the runners are registered at")]
    [InlineData("standby:\n  priority: lots\n", "config.yaml:2: standby.priority: 'lots' is not a whole number")]
    [InlineData("standby:\n  spill_over: maybe\n", "config.yaml:2: standby.spill_over: 'maybe' is not a boolean (use true or false)")]
    [InlineData("standby:\n  grace_down: 10\n", "config.yaml:2: standby.grace_down: '10' has no unit (add a unit, e.g. 10s; units are ns, us, ms, s, m, h)")]
    public void Load_InvalidStandby_ThrowsOneLineNamingKeyAndLine(string yaml, string expected)
    {
        Assert.Equal(expected, _host.LoadFails(yaml).Message);
    }

    [Theory]
    [InlineData("admin")]
    [InlineData("user")]
    [InlineData("org/seaspots")]
    [InlineData("repo/seaspots/brix.io_2-x")]
    public void Load_ApiScope_AcceptsEachLevel(string scope)
    {
        var config = _host.Load($"standby:\n  api_token_file: token\n  api_scope: {scope}\n  priority: 1\n  peers: [http://a:9110]\n  fleet_secret_file: fleet\nhttp:\n  listen: :9110\n");

        Assert.Equal(scope, config.Standby.ApiScope);
    }

    [Theory]
    [InlineData("admin/x")]
    [InlineData("org")]
    [InlineData("org/")]
    [InlineData("repo/seaspots")]
    [InlineData("repo/seaspots/brix/more")]
    [InlineData("org/sea spots")]
    [InlineData("Admin")]
    public void Validate_ApiScopeOfNoKnownForm_Fails(string scope)
    {
        var result = new StandbyOptionsValidator("").Validate(null, new StandbyOptions { ApiTokenFile = "/t", ApiScope = scope });

        Assert.Equal([$"standby.api_scope: '{scope}' is not a scope; use admin, org/NAME, repo/OWNER/NAME or user, the level the runners are registered at"], result.Failures);
    }

    [Fact]
    public void Validate_StandbyWithNothingToWatch_NamesBothMissingKeys()
    {
        var result = new StandbyOptionsValidator("").Validate(null, new StandbyOptions { Priority = 1 });

        Assert.Equal(
            [
                "standby.priority: a standby (priority 1) needs standby.peers, the http.listen URLs of the agents it backs up, e.g. [http://crunchy01:9110]",
                "standby.priority: a standby (priority 1) needs standby.fleet_secret_file, the secret its peers accept; name the file that holds it",
            ],
            result.Failures);
    }

    [Fact]
    public void Validate_EveryDurationZero_FailsForEachButGraceSaturated()
    {
        var zero = TimeSpan.Zero;
        var options = new StandbyOptions
        {
            PeerInterval = zero, PeerTimeout = zero, ForgeJobsPoll = zero, ForgeStatusPoll = zero, GraceDown = zero, GraceSaturated = zero,
            GraceUnknown = zero, GraceHealthy = zero, GraceStep = zero, RecoverAfter = zero, MinActiveDwell = zero, DeclareKeepalive = zero,
        };

        var result = new StandbyOptionsValidator("").Validate(null, options);

        string[] keys = ["peer_interval", "peer_timeout", "forge_jobs_poll", "forge_status_poll", "grace_down", "grace_unknown", "grace_healthy",
            "grace_step", "recover_after", "min_active_dwell", "declare_keepalive"];
        Assert.Equal(keys.Select(key => $"standby.{key}: must be more than 0s, not 0s"), result.Failures);
    }

    [Theory]
    [InlineData("  peers: [http://a:9110]\n", "standby.peers", "set but standby.priority is 0: this agent is a primary and watches no peer; give it a priority of 1 or more to make it a standby, or remove the key")]
    [InlineData("  api_token_file: t\n  api_scope: admin\n", "standby.api_token_file", "set but standby.priority is 0: this agent is a primary and reads no forge API; give it a priority of 1 or more to make it a standby, or remove the key")]
    public void Load_StandbyKeysOnAPrimary_WarnsNamingTheKey(string keys, string key, string message)
    {
        var config = _host.Load(Standby + keys);

        var warning = config.Warnings[0];
        Assert.Equal(key, warning.Key);
        Assert.Equal(5, warning.Line);
        Assert.Equal(message, warning.Message);
    }

    [Fact]
    public void Load_KeepaliveOfAMinuteOnAStandby_WarnsTheForgeWouldShowItOffline()
    {
        var config = _host.Load(Standby + "  priority: 1\n  peers: [http://a:9110]\n  declare_keepalive: 1m\n");

        var warning = Assert.Single(config.Warnings);
        Assert.Equal("config.yaml:7: standby.declare_keepalive: 1m0s lets the forge show this standby offline between calls (it does after 1m0s without one); use less, e.g. 30s", warning.ToString());
    }

    [Fact]
    public void Load_Standby_HasNoWarnings()
    {
        Assert.Empty(_host.Load(Standby + "  priority: 1\n  peers: [http://a:9110]\n").Warnings);
    }
}
