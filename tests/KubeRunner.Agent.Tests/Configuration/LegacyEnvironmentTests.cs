using KubeRunner.Agent.Configuration;

namespace KubeRunner.Agent.Tests.Configuration;

public sealed class LegacyEnvironmentTests : IDisposable
{
    private readonly ConfigTestHost _host = new();

    public void Dispose() => _host.Dispose();

    [Fact]
    public void Load_NoFileAndLegacyVariables_AppliesThemWithDeprecationWarnings()
    {
        _host.Environment["GITEA_DEBUG"] = "true";
        _host.Environment["GITEA_RUNNER_CAPACITY"] = "3";
        _host.Environment["GITEA_RUNNER_FILE"] = "/data/.runner";
        _host.Environment["GITEA_RUNNER_ENVIRON"] = "A:1,URL:http://x:80,:skipped,novalue,B:";
        _host.Environment["GITEA_RUNNER_ENV_FILE"] = "job.env";

        var config = _host.LoadWithoutFile();

        Assert.Equal("debug", config.Log.Level);
        Assert.Equal(3, config.Runner.Capacity);
        Assert.Equal("/data/.runner", config.Runner.File);
        Assert.Equal(new Dictionary<string, string> { ["A"] = "1", ["B"] = "", ["URL"] = "http://x:80" }, config.Runner.Envs);
        Assert.Equal("job.env", config.Runner.EnvFile);
        Assert.Equal(
            [
                "GITEA_DEBUG: deprecated; set log.level in a config file instead",
                "GITEA_RUNNER_CAPACITY: deprecated; set runner.capacity in a config file instead",
                "GITEA_RUNNER_FILE: deprecated; set runner.file in a config file instead",
                "GITEA_RUNNER_ENVIRON: deprecated; set runner.envs in a config file instead",
                "GITEA_RUNNER_ENV_FILE: deprecated; set runner.env_file in a config file instead",
            ],
            config.Warnings.Select(warning => warning.ToString()));
    }

    [Fact]
    public void Load_ConfigFileAndLegacyVariables_IgnoresThemWithWarnings()
    {
        _host.Environment["GITEA_TRACE"] = "1";
        _host.Environment["GITEA_RUNNER_CAPACITY"] = "3";
        _host.Environment["GITEA_RUNNER_ENVIRON"] = "A:1";

        var config = _host.Load("runner:\n  file: .runner\n");

        Assert.Equal("info", config.Log.Level);
        Assert.Equal(1, config.Runner.Capacity);
        Assert.Empty(config.Runner.Envs);
        Assert.Equal(
            [
                "GITEA_TRACE: ignored because a config file is used; set log.level in the config file instead",
                "GITEA_RUNNER_CAPACITY: ignored because a config file is used; set runner.capacity in the config file instead",
                "GITEA_RUNNER_ENVIRON: ignored because a config file is used; set runner.envs in the config file instead",
            ],
            config.Warnings.Select(warning => warning.ToString()));
    }

    [Fact]
    public void Load_DebugAndTrace_TraceWins()
    {
        _host.Environment["GITEA_DEBUG"] = "1";
        _host.Environment["GITEA_TRACE"] = "T";

        Assert.Equal("trace", _host.LoadWithoutFile().Log.Level);
    }

    [Theory]
    [InlineData("false")]
    [InlineData("0")]
    [InlineData("yes")]
    [InlineData("")]
    public void Load_DebugNotGoTrue_KeepsLevelButWarns(string value)
    {
        _host.Environment["GITEA_DEBUG"] = value;

        var config = _host.LoadWithoutFile();

        Assert.Equal("info", config.Log.Level);
        Assert.Single(config.Warnings);
    }

    [Theory]
    [InlineData("0")]
    [InlineData("-2")]
    [InlineData("four")]
    public void Load_CapacityNotPositive_KeepsDefault(string value)
    {
        _host.Environment["GITEA_RUNNER_CAPACITY"] = value;

        Assert.Equal(1, _host.LoadWithoutFile().Runner.Capacity);
    }

    [Fact]
    public void Load_LegacyEnvFile_IsMerged()
    {
        _host.Directory.Write("legacy.env", "FROM_FILE=yes\n");
        _host.Environment["GITEA_RUNNER_ENV_FILE"] = "legacy.env";

        var config = _host.LoadWithoutFile();

        Assert.Equal("yes", config.Runner.Envs["FROM_FILE"]);
    }

    [Theory]
    [InlineData("120", 120)]
    [InlineData("5", 5)]
    public void Load_ClientTimeoutVariable_OverridesDefault(string value, int expectedSeconds)
    {
        _host.Environment["FORGEJO_CLIENT_TIMEOUT"] = value;

        var config = _host.Load("");

        Assert.Equal(TimeSpan.FromSeconds(expectedSeconds), config.ClientTimeout);
        Assert.Empty(config.Warnings);
    }

    [Theory]
    [InlineData("0")]
    [InlineData("-1")]
    public void Load_ClientTimeoutZeroOrLess_MeansNoTimeout(string value)
    {
        _host.Environment["FORGEJO_CLIENT_TIMEOUT"] = value;

        Assert.Equal(Timeout.InfiniteTimeSpan, _host.LoadWithoutFile().ClientTimeout);
    }

    [Theory]
    [InlineData("30s")]
    [InlineData("1.5")]
    [InlineData("99999999999")]
    public void Load_ClientTimeoutNotSeconds_WarnsAndKeepsDefault(string value)
    {
        _host.Environment["FORGEJO_CLIENT_TIMEOUT"] = value;

        var config = _host.LoadWithoutFile();

        Assert.Equal(RunnerConfig.DefaultClientTimeout, config.ClientTimeout);
        Assert.Equal($"FORGEJO_CLIENT_TIMEOUT: '{value}' is not a whole number of seconds; using 1m0s", Assert.Single(config.Warnings).ToString());
    }

    [Fact]
    public void Load_ClientTimeoutEmpty_KeepsDefaultSilently()
    {
        _host.Environment["FORGEJO_CLIENT_TIMEOUT"] = "";

        var config = _host.LoadWithoutFile();

        Assert.Equal(RunnerConfig.DefaultClientTimeout, config.ClientTimeout);
        Assert.Empty(config.Warnings);
    }
}
