using KubeRunner.Agent.Configuration;
using YamlDotNet.RepresentationModel;

namespace KubeRunner.Agent.Tests.Configuration;

public sealed class ExampleConfigTests : IDisposable
{
    private readonly ConfigTestHost _host = new();

    public void Dispose() => _host.Dispose();

    [Fact]
    public void Text_Loaded_HasNoWarningsAndYieldsLoaderDefaults()
    {
        var example = _host.Load(ExampleConfig.Text);
        var defaults = _host.LoadWithoutFile();

        Assert.Empty(example.Warnings);
        // The one intended difference, as in forgejo-runner: the example names .env (skipped when absent).
        Assert.Equal(".env", example.Runner.EnvFile);
        Assert.Equal(
            ConfigPrinter.ToYaml(defaults),
            ConfigPrinter.ToYaml(example).Replace("env_file: .env", "env_file: \"\"", StringComparison.Ordinal));
    }

    [Fact]
    public void Text_Keys_CoverEverySchemaKeyInForgejoOrder()
    {
        var stream = new YamlStream();
        stream.Load(new StringReader(ExampleConfig.Text));
        List<string> paths = [];
        CollectKeyPaths((YamlMappingNode)stream.Documents[0].RootNode, null, paths);

        var expected = ConfigSchema.KeysByPath.Values.Where(key => !key.Deprecated).Select(key => key.Path).Order(StringComparer.Ordinal);
        Assert.Equal(expected, paths.Order(StringComparer.Ordinal));
        Assert.Equal(["log.level", "log.job_level", "runner.file", "runner.capacity", "runner.envs"], paths.Take(5));
        Assert.Equal(["cache.enabled", "cache.port", "cache.dir"], paths.SkipWhile(path => !path.StartsWith("cache.", StringComparison.Ordinal)).Take(3));
    }

    [Fact]
    public void Text_Header_SaysItIsCompatibleWithForgejoRunner()
    {
        var header = ExampleConfig.Text[..ExampleConfig.Text.IndexOf("log:", StringComparison.Ordinal)];

        Assert.Contains("KubeRunner", header, StringComparison.Ordinal);
        Assert.Contains("forgejo-runner", header, StringComparison.Ordinal);
        Assert.All(header.Split('\n', StringSplitOptions.RemoveEmptyEntries), line => Assert.StartsWith("#", line, StringComparison.Ordinal));
    }

    [Fact]
    public void Text_EveryKey_HasACommentAbove()
    {
        var lines = ExampleConfig.Text.Split('\n');
        for (var index = 1; index < lines.Length; index++)
        {
            var line = lines[index];
            var isNestedKey = line.StartsWith("  ", StringComparison.Ordinal) && !line.TrimStart().StartsWith('#') && line.Contains(':', StringComparison.Ordinal);
            if (isNestedKey && !line.TrimEnd().EndsWith(':'))
            {
                Assert.True(lines[index - 1].TrimStart().StartsWith('#'), $"no comment above '{line.Trim()}'");
            }
        }
    }

    private static void CollectKeyPaths(YamlMappingNode mapping, string? prefix, List<string> paths)
    {
        foreach (var (key, value) in mapping.Children)
        {
            var path = prefix is null ? ((YamlScalarNode)key).Value! : $"{prefix}.{((YamlScalarNode)key).Value}";
            if (value is YamlMappingNode child && ConfigSchema.SectionPaths.Contains(path))
            {
                CollectKeyPaths(child, path, paths);
            }
            else
            {
                paths.Add(path);
            }
        }
    }
}
