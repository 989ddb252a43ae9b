using KubeRunner.Agent.Configuration;

namespace KubeRunner.Agent.Tests.Configuration;

public sealed class ConfigLoaderErrorTests : IDisposable
{
    private readonly ConfigTestHost _host = new();

    public void Dispose() => _host.Dispose();

    [Theory]
    [InlineData("runner:\n  capacity: many\n", "config.yaml:2: runner.capacity: 'many' is not a whole number")]
    [InlineData("runner:\n  capacity: 1.5\n", "config.yaml:2: runner.capacity: '1.5' is not a whole number")]
    [InlineData("runner:\n  capacity: 99999999999\n", "config.yaml:2: runner.capacity: '99999999999' is not a whole number")]
    [InlineData("runner:\n  insecure: maybe\n", "config.yaml:2: runner.insecure: 'maybe' is not a boolean (use true or false)")]
    [InlineData("cache:\n  enabled: 1\n", "config.yaml:2: cache.enabled: '1' is not a boolean (use true or false)")]
    [InlineData("cache:\n  port: 70000\n", "config.yaml:2: cache.port: '70000' is not a port number (0 to 65535)")]
    [InlineData("cache:\n  proxy_port: -1\n", "config.yaml:2: cache.proxy_port: '-1' is not a port number (0 to 65535)")]
    [InlineData("runner:\n  report_retry:\n    max_retries: -1\n", "config.yaml:3: runner.report_retry.max_retries: '-1' is not a whole number of 0 or more")]
    [InlineData("runner:\n  timeout: 30\n", "config.yaml:2: runner.timeout: '30' has no unit (add a unit, e.g. 30s; units are ns, us, ms, s, m, h)")]
    [InlineData("runner:\n  fetch_interval: 1.5\n", "config.yaml:2: runner.fetch_interval: '1.5' has no unit (add a unit, e.g. 1.5s; units are ns, us, ms, s, m, h)")]
    [InlineData("runner:\n  timeout: 3 hours\n", "config.yaml:2: runner.timeout: '3 hours' is not a duration (use Go syntax, e.g. 30s, 1m30s, 1.5h)")]
    [InlineData("runner:\n  timeout: 1d\n", "config.yaml:2: runner.timeout: '1d' is not a duration (use Go syntax, e.g. 30s, 1m30s, 1.5h)")]
    [InlineData("runner:\n  labels: ubuntu\n", "config.yaml:2: runner.labels: expected a list, found 'ubuntu'")]
    [InlineData("runner:\n  labels:\n    - [a, b]\n", "config.yaml:3: runner.labels[0]: expected a single value per list item, found a list")]
    [InlineData("runner:\n  envs: [A=1]\n", "config.yaml:2: runner.envs: expected a mapping of NAME: value, found a list")]
    [InlineData("runner:\n  envs:\n    A:\n      nested: 1\n", "config.yaml:4: runner.envs.A: expected a single value, found a mapping")]
    [InlineData("runner:\n  timeout:\n    - 1h\n", "config.yaml:3: runner.timeout: expected a single value, found a list")]
    [InlineData("runner: 5\n", "config.yaml:1: runner: expected a mapping of keys, found '5'")]
    [InlineData("runner:\n  report_retry: [1]\n", "config.yaml:2: runner.report_retry: expected a mapping of keys, found a list")]
    [InlineData("- log\n- runner\n", "config.yaml:1: expected a mapping of sections (log, runner, cache, ...), found a list")]
    [InlineData("just text\n", "config.yaml:1: expected a mapping of sections (log, runner, cache, ...), found 'just text'")]
    [InlineData("runner:\n  [a]: 1\n", "config.yaml:2: runner: expected a plain key name, found a list")]
    [InlineData("http:\n  listen: 8080\n", "config.yaml:2: http.listen: '8080' is not an address with a port, such as 0.0.0.0:9700")]
    [InlineData("registration:\n  instance: https://forge.example\n", "config.yaml:2: registration.instance: registering needs registration.token_file too; name the file that holds the registration token")]
    [InlineData("registration:\n  token_file: token\n", "config.yaml:2: registration.token_file: needs registration.instance too; set the forge's URL, e.g. https://forge.example")]
    [InlineData("registration:\n  instance: https://forge.example\n  token_file: t\n  secret: Runner_File\n", "config.yaml:4: registration.secret: 'Runner_File' is not a Secret name (lower-case letters, digits, '-' and '.', at most 253)")]
    public void Load_InvalidValue_ThrowsWithFileLineAndKey(string yaml, string expected)
    {
        var exception = _host.LoadFails(yaml);

        Assert.Equal(expected, exception.Message);
        Assert.Equal("config.yaml", exception.File);
    }

    [Theory]
    [InlineData("log:\n  level: verbose\n", "config.yaml:2: log.level: 'verbose' is not a log level (use trace, debug, info, warn, error, fatal, panic)")]
    [InlineData("log:\n  job_level: LOUD\n", "config.yaml:2: log.job_level: 'LOUD' is not a log level (use trace, debug, info, warn, error, fatal, panic)")]
    [InlineData("runner:\n  shutdown_timeout: -1s\n", "config.yaml:2: runner.shutdown_timeout: must not be negative, not -1s (0 cancels running jobs at once)")]
    [InlineData("runner:\n  report_retry:\n    max_delay: -5m\n", "config.yaml:3: runner.report_retry.max_delay: must not be negative, not -5m0s (0 means no maximum)")]
    public void Load_SemanticRuleBroken_ThrowsWithKeyLine(string yaml, string expected)
    {
        Assert.Equal(expected, _host.LoadFails(yaml).Message);
    }

    [Fact]
    public void Load_InvalidLabel_ThrowsWithLineOfTheItem()
    {
        var exception = _host.LoadFails("runner:\n  labels:\n    - ok:host\n    - x:kube\n");

        Assert.Equal(
            "config.yaml:4: runner.labels[1]: invalid label \"x:kube\": unknown scheme \"kube\" (use docker, host, lxc or kubernetes: name[:scheme[:argument]])",
            exception.Message);
        Assert.Equal(4, exception.Line);
        Assert.Equal("runner.labels[1]", exception.Key);
    }

    [Fact]
    public void Load_UnclosedFlowSequence_ThrowsInvalidYamlNearTheProblem()
    {
        var exception = _host.LoadFails("runner:\n  capacity: 1\n  labels: [a, b\ncache:\n  enabled: true\n");

        Assert.Equal("config.yaml:3: invalid YAML: cannot parse the text after this line (an unclosed '[' or '{'?)", exception.Message);
    }

    [Theory]
    [InlineData("runner:\n\tcapacity: 1\n", "config.yaml:2: invalid YAML: While scanning a mapping, found invalid tab as indentation.")]
    [InlineData("runner:\n  capacity: 1\n  capacity: 2\n", "config.yaml:3: invalid YAML: Duplicate key capacity")]
    [InlineData("runner:\n  file: a: b\n", "config.yaml:2: invalid YAML: While scanning a plain scalar value, found invalid mapping.")]
    [InlineData("runner:\n  file: \"abc\n", "config.yaml:2: invalid YAML: While scanning a quoted scalar, found unexpected end of stream.")]
    [InlineData("runner:\n  labels:\n    - a\n    b: 1\n", "config.yaml:4: invalid YAML: While parsing a block collection, did not find expected '-' indicator.")]
    public void Load_YamlSyntaxError_ThrowsYamlProblemWithLine(string yaml, string expected)
    {
        Assert.Equal(expected, _host.LoadFails(yaml).Message);
    }

    [Fact]
    public void Load_MissingFile_ThrowsNamingTheFile()
    {
        var exception = Assert.Throws<ConfigException>(
            () => ConfigLoader.Load("missing.yaml", new Dictionary<string, string>(), ConfigTestHost.Home, _host.Directory.Path));

        Assert.Equal("missing.yaml: config file not found (create one with 'kube-runner generate-config > config.yaml')", exception.Message);
    }

    [Fact]
    public void Load_UnreadableFile_ThrowsWithReason()
    {
        Directory.CreateDirectory(Path.Combine(_host.Directory.Path, "config.d"));

        var exception = Assert.Throws<ConfigException>(
            () => ConfigLoader.Load("config.d", new Dictionary<string, string>(), ConfigTestHost.Home, _host.Directory.Path));

        Assert.StartsWith("config.d: cannot read config file: ", exception.Message, StringComparison.Ordinal);
        Assert.IsAssignableFrom<UnauthorizedAccessException>(exception.InnerException);
    }

    [Fact]
    public void Load_AbsolutePath_IsUsedAsGiven()
    {
        var path = _host.Directory.Write("other.yaml", "runner:\n  capacity: x\n");

        var exception = Assert.Throws<ConfigException>(
            () => ConfigLoader.Load(path, new Dictionary<string, string>(), ConfigTestHost.Home, "/"));

        Assert.Equal($"{path}:2: runner.capacity: 'x' is not a whole number", exception.Message);
    }
}
