namespace KubeRunner.Agent.Tests.Configuration;

public sealed class ConfigLoaderWarningTests : IDisposable
{
    private readonly ConfigTestHost _host = new();

    public void Dispose() => _host.Dispose();

    [Theory]
    [InlineData("runner:\n  capacty: 2\n", 2, "runner.capacty", "unknown key, ignored; did you mean 'runner.capacity'?")]
    [InlineData("runner:\n  Capacity: 2\n", 2, "runner.Capacity", "unknown key, ignored; did you mean 'runner.capacity'?")]
    [InlineData("runner:\n  report_retry:\n    max_retry: 2\n", 3, "runner.report_retry.max_retry", "unknown key, ignored; did you mean 'runner.report_retry.max_retries'?")]
    [InlineData("runner:\n  network: host\n", 2, "runner.network", "unknown key, ignored; did you mean 'container.network'?")]
    [InlineData("runnr:\n  capacity: 2\n", 1, "runnr", "unknown key, ignored; did you mean 'runner'?")]
    [InlineData("cache:\n  enable: false\n", 2, "cache.enable", "unknown key, ignored; did you mean 'cache.enabled'?")]
    [InlineData("container:\n  docker_hosts: x\n", 2, "container.docker_hosts", "unknown key, ignored; did you mean 'container.docker_host'?")]
    [InlineData("log:\n  colour: true\n", 2, "log.colour", "unknown key, ignored")]
    [InlineData("server:\n  connections: {}\n", 1, "server", "unknown key, ignored")]
    [InlineData("runner.capacity: 2\n", 1, "runner.capacity", "unknown key, ignored; dotted names are not expanded, nest the key under its section instead")]
    public void Load_UnknownKey_WarnsWithLineAndSuggestion(string yaml, int line, string key, string message)
    {
        var config = _host.Load(yaml);

        var warning = Assert.Single(config.Warnings);
        Assert.Equal("config.yaml", warning.File);
        Assert.Equal(line, warning.Line);
        Assert.Equal(key, warning.Key);
        Assert.Equal(message, warning.Message);
        Assert.Equal($"config.yaml:{line}: {key}: {message}", warning.ToString());
    }

    [Fact]
    public void Load_UnknownKey_KeepsDefaultForTheMisspelledSetting()
    {
        var config = _host.Load("runner:\n  capacty: 5\n");

        Assert.Equal(1, config.Runner.Capacity);
    }

    [Fact]
    public void Load_UnknownKeyWithInvalidValue_IsOnlyWarned()
    {
        var config = _host.Load("runner:\n  later_feature: [1, {a: b}]\n  capacity: 2\n");

        Assert.Single(config.Warnings);
        Assert.Equal(2, config.Runner.Capacity);
    }

    [Theory]
    [InlineData("bridge", "", "'bridge' is taken as an empty container.network (a network per job)")]
    [InlineData("host", "host", "'host' is taken as container.network: host")]
    [InlineData("my-net", "my-net", "'my-net' is taken as container.network: my-net")]
    public void Load_NetworkModeWithoutNetwork_IsMigratedWithWarning(string mode, string expectedNetwork, string detail)
    {
        var config = _host.Load($"container:\n  network_mode: {mode}\n");

        Assert.Equal(expectedNetwork, config.Container.Network);
        Assert.Equal(mode, config.Container.NetworkMode);
        var warning = Assert.Single(config.Warnings);
        Assert.Equal($"config.yaml:2: container.network_mode: deprecated, use container.network instead; {detail}", warning.ToString());
    }

    [Fact]
    public void Load_NetworkModeWithNetwork_NetworkWinsWithoutWarning()
    {
        var config = _host.Load("container:\n  network: ci\n  network_mode: host\n");

        Assert.Equal("ci", config.Container.Network);
        Assert.Empty(config.Warnings);
    }

    [Fact]
    public void Load_SeveralYamlDocuments_ReadsFirstAndWarns()
    {
        var config = _host.Load("runner:\n  capacity: 2\n---\nrunner:\n  capacity: 3\n");

        Assert.Equal(2, config.Runner.Capacity);
        var warning = Assert.Single(config.Warnings);
        Assert.Equal("config.yaml", warning.File);
        Assert.Contains("only the first YAML document is read", warning.Message, StringComparison.Ordinal);
    }
}
