using KubeRunner.Agent.Configuration;

namespace KubeRunner.Agent.Tests.Configuration;

/// <summary>Loads config text the way the CLI would, from a config.yaml inside a temporary working directory.</summary>
internal sealed class ConfigTestHost : IDisposable
{
    public const string Home = "/home/runner";

    public TempDirectory Directory { get; } = new();

    public Dictionary<string, string> Environment { get; } = new(StringComparer.Ordinal);

    /// <summary>Writes <paramref name="yaml"/> to config.yaml and loads it by its relative name, as messages quote it.</summary>
    public RunnerConfig Load(string yaml)
    {
        Directory.Write("config.yaml", yaml);
        return ConfigLoader.Load("config.yaml", Environment, Home, Directory.Path);
    }

    public RunnerConfig LoadWithoutFile() => ConfigLoader.Load(null, Environment, Home, Directory.Path);

    public ConfigException LoadFails(string yaml) => Assert.Throws<ConfigException>(() => Load(yaml));

    public void Dispose() => Directory.Dispose();
}
