using KubeRunner.Testing.Docker;

namespace KubeRunner.Chart.Tests;

/// <summary>
/// Each scenario's rendering, text for text, against Golden/&lt;scenario&gt;.yaml. After an intended
/// change of the chart, run these tests with UPDATE_GOLDEN=1 to rewrite the golden files, then
/// review the diff (git diff tests/KubeRunner.Chart.Tests/Golden) before committing it.
/// </summary>
public sealed class ChartGoldenTests
{
    private const string UpdateVariable = "UPDATE_GOLDEN";

    [Theory]
    [MemberData(nameof(ChartScenarios.All), MemberType = typeof(ChartScenarios))]
    public async Task Render_Scenario_MatchesGoldenFile(string scenario)
    {
        var rendering = await ChartScenarios.RenderAsync(scenario);
        var golden = Path.Combine(ExecutorBundle.RepositoryRoot(), "tests", "KubeRunner.Chart.Tests", "Golden", scenario + ".yaml");

        if (Environment.GetEnvironmentVariable(UpdateVariable) == "1")
        {
            await File.WriteAllTextAsync(golden, rendering.Text);
        }

        Assert.True(File.Exists(golden), $"no golden file {golden}; run the chart tests with {UpdateVariable}=1 to write it");
        Assert.Equal(await File.ReadAllTextAsync(golden), rendering.Text);
    }
}
