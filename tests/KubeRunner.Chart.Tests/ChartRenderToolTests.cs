using KubeRunner.Testing.Chart;

namespace KubeRunner.Chart.Tests;

/// <summary>How the tests find chart-render: a missing tool fails them with the places looked at (they never skip).</summary>
public sealed class ChartRenderToolTests
{
    [Fact]
    public void FindTool_NoneOfTheCandidatesExists_FailsNamingEachAndTheVariable()
    {
        string[] candidates = ["/nonexistent/a/chart-render", "/nonexistent/b/chart-render"];

        var error = Assert.Throws<FileNotFoundException>(() => ChartRender.FindTool(candidates));

        Assert.Contains(candidates[0], error.Message, StringComparison.Ordinal);
        Assert.Contains(candidates[1], error.Message, StringComparison.Ordinal);
        Assert.Contains(ChartRender.ToolVariable, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void FindTool_SeveralExist_TakesTheFirst()
    {
        var first = Path.GetTempFileName();
        var second = Path.GetTempFileName();
        try
        {
            Assert.Equal(first, ChartRender.FindTool(["/nonexistent/chart-render", first, second]));
        }
        finally
        {
            File.Delete(first);
            File.Delete(second);
        }
    }

    [Fact]
    public void Candidates_WithoutVariable_AreBesideTheCheckoutThenTheMachinesCopy()
    {
        var candidates = ChartRender.Candidates(null, "/src/checkout");

        Assert.Equal(["/src/shared/tools/chart-render/chart-render", "/work/shared/tools/chart-render/chart-render"], candidates);
    }

    [Fact]
    public void Candidates_WithVariable_AreOnlyIt()
    {
        Assert.Equal(["/opt/chart-render"], ChartRender.Candidates("/opt/chart-render", "/src/checkout"));
    }
}
