using KubeRunner.Agent.Configuration;

namespace KubeRunner.Agent.Tests.Configuration;

public sealed class ConfigPrinterTests : IDisposable
{
    private readonly ConfigTestHost _host = new();

    public void Dispose() => _host.Dispose();

    [Fact]
    public void ToYaml_Defaults_MatchesGoldenFile()
    {
        var yaml = ConfigPrinter.ToYaml(_host.LoadWithoutFile());

        Assert.Equal(Golden.Read("defaults.yaml"), yaml);
    }

    [Fact]
    public void ToYaml_FullConfigWithSecrets_MatchesGoldenFile()
    {
        var yaml = ConfigPrinter.ToYaml(_host.Load(ConfigLoaderValuesTests.FullConfig));

        Assert.Equal(Golden.Read("full.yaml"), yaml);
    }

    [Fact]
    public void ToYaml_FullConfigWithSecrets_RedactsSecretsOnly()
    {
        var yaml = ConfigPrinter.ToYaml(_host.Load(ConfigLoaderValuesTests.FullConfig));

        Assert.DoesNotContain("s3cr3t", yaml, StringComparison.Ordinal);
        Assert.DoesNotContain("ghp_secret", yaml, StringComparison.Ordinal);
        Assert.DoesNotContain("hunter2", yaml, StringComparison.Ordinal);
        Assert.Contains("secret: \"***\"", yaml, StringComparison.Ordinal);
        Assert.Contains("GITHUB_TOKEN: \"***\"", yaml, StringComparison.Ordinal);
        Assert.Contains("PLAIN: value", yaml, StringComparison.Ordinal);
    }

    [Fact]
    public void ToYaml_EmptyCacheSecret_IsNotRedacted()
    {
        var yaml = ConfigPrinter.ToYaml(_host.LoadWithoutFile());

        Assert.Contains("secret: \"\"", yaml, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("API_TOKEN", true)]
    [InlineData("token", true)]
    [InlineData("MY_SECRET_VALUE", true)]
    [InlineData("DB_PASSWORD", true)]
    [InlineData("passwd", true)]
    [InlineData("SSH_PRIVATE", true)]
    [InlineData("AWS_ACCESS_KEY_ID", true)]
    [InlineData("Monkey", true)]
    [InlineData("GCP_CREDENTIALS", true)]
    [InlineData("PATH", false)]
    [InlineData("HTTP_PROXY", false)]
    [InlineData("NODE_VERSION", false)]
    public void IsSecretName_Name_MatchesCredentialWords(string name, bool expected)
    {
        Assert.Equal(expected, ConfigPrinter.IsSecretName(name));
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void ToYaml_Output_LoadsBackWithSameValuesAndNoWarnings(bool full)
    {
        var original = full ? _host.Load(ConfigLoaderValuesTests.FullConfig) : _host.LoadWithoutFile();
        var printed = ConfigPrinter.ToYaml(original);

        var reloaded = _host.Load(printed);

        Assert.Empty(reloaded.Warnings);
        Assert.Equal(printed, ConfigPrinter.ToYaml(reloaded));
        Assert.Equal(original.Runner.Labels, reloaded.Runner.Labels);
        Assert.Equal(original.Runner.Timeout, reloaded.Runner.Timeout);
        Assert.Equal(original.Host.WorkdirParent, reloaded.Host.WorkdirParent);
        Assert.Equal(original.Cache.Dir, reloaded.Cache.Dir);
    }

    [Fact]
    public void ToYaml_RedactedValues_ReloadAsPlaceholder()
    {
        var reloaded = _host.Load(ConfigPrinter.ToYaml(_host.Load(ConfigLoaderValuesTests.FullConfig)));

        Assert.Equal("***", reloaded.Cache.Secret);
        Assert.Equal("***", reloaded.Runner.Envs["GITHUB_TOKEN"]);
        Assert.Equal("42", reloaded.Runner.Envs["NUMBER"]);
        Assert.Equal("", reloaded.Runner.Envs["EMPTY"]);
    }

    [Fact]
    public void ToYaml_MigratedNetworkMode_PrintsNetworkOnly()
    {
        var config = _host.Load("container:\n  network_mode: host\n");

        var yaml = ConfigPrinter.ToYaml(config);

        Assert.Contains("network: host", yaml, StringComparison.Ordinal);
        Assert.DoesNotContain("network_mode", yaml, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("'true'")]
    [InlineData("'123'")]
    [InlineData("'null'")]
    [InlineData("'#hash'")]
    [InlineData("'a: b'")]
    [InlineData("'*star'")]
    [InlineData("\"line\\nbreak\"")]
    [InlineData("'- dash'")]
    [InlineData("' padded '")]
    public void ToYaml_AwkwardStrings_RoundTrip(string yamlValue)
    {
        var original = _host.Load($"cache:\n  external_server: {yamlValue}\nrunner:\n  envs:\n    X: {yamlValue}\n");

        var reloaded = _host.Load(ConfigPrinter.ToYaml(original));

        Assert.Equal(original.Cache.ExternalServer, reloaded.Cache.ExternalServer);
        Assert.Equal(original.Runner.Envs["X"], reloaded.Runner.Envs["X"]);
    }
}
