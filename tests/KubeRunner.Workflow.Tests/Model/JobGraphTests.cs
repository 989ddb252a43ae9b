using KubeRunner.Workflow.Model;

namespace KubeRunner.Workflow.Tests.Model;

public sealed class JobGraphTests
{
    private static JobDefinition Job(string id, params string[] needs) => new() { Id = id, Needs = needs };

    [Fact]
    public void Order_NoNeeds_KeepsDocumentOrder()
    {
        var order = JobGraph.Order([Job("c"), Job("a"), Job("b")]);

        Assert.Equal(["c", "a", "b"], order.Select(j => j.Id));
    }

    [Fact]
    public void Order_Needs_ComeFirstStableAmongReady()
    {
        var order = JobGraph.Order([Job("deploy", "test", "build"), Job("test", "build"), Job("lint"), Job("build")]);

        Assert.Equal(["lint", "build", "test", "deploy"], order.Select(j => j.Id));
    }

    [Fact]
    public void Order_Diamond_EachAfterItsNeeds()
    {
        var order = JobGraph.Order([Job("d", "b", "c"), Job("b", "a"), Job("c", "a"), Job("a")]).Select(j => j.Id).ToList();

        Assert.Equal(["a", "b", "c", "d"], order);
    }

    [Fact]
    public void Order_UnknownNeed_Throws()
    {
        var error = Assert.Throws<JobGraphException>(() => JobGraph.Order([Job("a"), Job("b", "c")]));

        Assert.Equal("job 'b' needs 'c', which is not a job of this workflow", error.Message);
    }

    [Fact]
    public void Order_Cycle_ThrowsNamingTheCycle()
    {
        var error = Assert.Throws<JobGraphException>(() => JobGraph.Order([Job("start"), Job("x", "start", "z"), Job("y", "x"), Job("z", "y")]));

        Assert.Equal("jobs need each other in a cycle: 'x' → 'z' → 'y' → 'x'", error.Message);
    }

    [Fact]
    public void Order_NeedsItself_ThrowsCycle()
    {
        var error = Assert.Throws<JobGraphException>(() => JobGraph.Order([Job("a", "a")]));

        Assert.Equal("jobs need each other in a cycle: 'a' → 'a'", error.Message);
    }

    [Fact]
    public void Order_DuplicateId_Throws()
    {
        Assert.Throws<JobGraphException>(() => JobGraph.Order([Job("a"), Job("a")]));
    }
}
