using KubeRunner.Testing.Chart;

namespace KubeRunner.Chart.Tests;

/// <summary>values.schema.json accepts the chart's own values and refuses bad ones with a message naming the value.</summary>
public sealed class ChartValuesSchemaTests
{
    [Fact]
    public async Task Schema_DefaultValues_AreAccepted()
    {
        var result = await ChartRender.RunAsync(ChartValues.Required);

        Assert.True(result.ExitCode == 0, result.Describe());
    }

    [Theory]
    [InlineData("replicaCount=2", "replicaCount")]
    [InlineData("image.pullPolicy=Sometimes", "image.pullPolicy")]
    [InlineData("profiles.heavy.memory=lots", "profiles.heavy.memory")]
    [InlineData("profiles.heavy.memroy=1Gi", "memroy")]
    [InlineData("profiles.heavy.eviction_protection=always", "profiles.heavy.eviction_protection")]
    [InlineData("profiles.heavy.namespace=CI_Jobs", "profiles.heavy.namespace")]
    [InlineData("runner.timeout=3hours", "runner.timeout")]
    [InlineData("runner.capacity=0", "runner.capacity")]
    [InlineData("forge.url=forge.example", "forge.url")]
    [InlineData("jobs.namespace=Jobs", "jobs.namespace")]
    [InlineData("resources.limits.memory=1GB", "resources.limits.memory")]
    [InlineData("replicas=1", "replicas")]
    [InlineData("networkPolicy.enabled=yes", "networkPolicy.enabled")]
    public async Task Schema_BadValue_IsRefusedNamingIt(string set, string named)
    {
        var result = await ChartRender.RunAsync(ChartValues.Required with { Sets = [.. ChartRender.RequiredSets, set] });

        Assert.NotEqual(0, result.ExitCode);
        Assert.Contains("schema", result.Stderr, StringComparison.Ordinal);
        Assert.Contains(named, result.Stderr, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("ci/jobs-namespace.yaml")]
    [InlineData("ci/pdb.yaml")]
    public async Task Schema_CiValues_AreAccepted(string file)
    {
        var result = await ChartRender.RunAsync(ChartValues.Defaults with { Files = [file] });

        Assert.True(result.ExitCode == 0, result.Describe());
    }

    [Fact]
    public async Task Render_NoForgeUrl_SaysToSetIt()
    {
        var result = await ChartRender.RunAsync(ChartValues.Defaults with { Sets = ["registration.token=t0ken"] });

        Assert.NotEqual(0, result.ExitCode);
        Assert.Contains("forge.url is required", result.Stderr, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Render_NoTokenNorExistingSecret_SaysToGiveOne()
    {
        var result = await ChartRender.RunAsync(ChartValues.Defaults with { Sets = ["forge.url=https://forge.example"] });

        Assert.NotEqual(0, result.ExitCode);
        Assert.Contains("registration token is required", result.Stderr, StringComparison.Ordinal);
        Assert.Contains("registration.existingSecret", result.Stderr, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Render_BurstBelowQps_SaysBothValues()
    {
        var result = await ChartRender.RunAsync(ChartValues.Required with { Sets = [.. ChartRender.RequiredSets, "kubernetes.qps=20"] });

        Assert.NotEqual(0, result.ExitCode);
        Assert.Contains("kubernetes.burst (10) must be at least kubernetes.qps (20)", result.Stderr, StringComparison.Ordinal);
    }

    [Fact]
    public void Values_EveryValue_HasACommentAbove()
    {
        var lines = File.ReadAllLines(Path.Combine(ChartRender.ChartDirectory, "values.yaml"));

        // A key line (not a list item, not inside a flow value) is preceded by a comment, possibly
        // after other keys of a group that one comment explains (e.g. requests/limits under resources).
        var uncommented = lines.Select((line, index) => (line, index))
            .Where(entry => IsKey(entry.line) && !CommentedAbove(lines, entry.index))
            .Select(entry => entry.line.Trim())
            .ToList();

        Assert.Empty(uncommented);
    }

    private static bool IsKey(string line) =>
        line.Length > 0 && !line.TrimStart().StartsWith('#') && !line.TrimStart().StartsWith('-') && line.Contains(':', StringComparison.Ordinal);

    // Walks up through keys of the same indentation and deeper ones (a group under one comment).
    private static bool CommentedAbove(string[] lines, int index)
    {
        var indent = lines[index].Length - lines[index].TrimStart().Length;
        for (var i = index - 1; i >= 0; i--)
        {
            var above = lines[i];
            var aboveIndent = above.Length - above.TrimStart().Length;
            if (above.TrimStart().StartsWith('#'))
            {
                return aboveIndent == indent || aboveIndent < indent;
            }

            if (above.Trim().Length == 0 || aboveIndent < indent)
            {
                // A blank line ends a group; a parent key commented above it covers its children.
                return above.Trim().Length > 0 && CommentedAbove(lines, i);
            }
        }

        return false;
    }
}
