using KubeRunner.Workflow.Expressions;
using KubeRunner.Workflow.Model;

namespace KubeRunner.Workflow.Tests.Model;

public sealed class MatrixExpanderTests
{
    private static List<string> Expand(string json) =>
        [.. MatrixExpander.Expand(ExpressionValue.ParseJson(json)).Select(c => ExpressionValue.From(c).ToJson(indented: false))];

    [Fact]
    public void Expand_EmptyMatrix_OneEmptyCombination()
    {
        Assert.Equal(["{}"], Expand("{}"));
    }

    [Fact]
    public void Expand_TwoVectors_CrossProductFirstKeySlowest()
    {
        Assert.Equal(
            ["""{"version":10,"os":"ubuntu"}""", """{"version":10,"os":"windows"}""", """{"version":12,"os":"ubuntu"}""", """{"version":12,"os":"windows"}"""],
            Expand("""{"version":[10,12],"os":["ubuntu","windows"]}"""));
    }

    [Fact]
    public void Expand_ExcludePartialMatches_RemovesEveryMatchingCombination()
    {
        // GitHub's docs: 12 combinations, one excluded on all keys and two on a partial match.
        var combinations = Expand("""
            {"os":["macos-latest","windows-latest"],"version":[12,14,16],"environment":["staging","production"],
             "exclude":[{"os":"macos-latest","version":12,"environment":"production"},{"os":"windows-latest","version":16}]}
            """);

        Assert.Equal(9, combinations.Count);
        Assert.DoesNotContain("""{"os":"macos-latest","version":12,"environment":"production"}""", combinations);
        Assert.Contains("""{"os":"macos-latest","version":12,"environment":"staging"}""", combinations);
        Assert.DoesNotContain(combinations, c => c.Contains("\"windows-latest\",\"version\":16", StringComparison.Ordinal));
    }

    [Fact]
    public void Expand_IncludeGithubFruitExample_MergesOrAdds()
    {
        var combinations = Expand("""
            {"fruit":["apple","pear"],"animal":["cat","dog"],
             "include":[{"color":"green"},{"color":"pink","animal":"cat"},{"fruit":"apple","shape":"circle"},{"fruit":"banana"},{"fruit":"banana","animal":"cat"}]}
            """);

        Assert.Equal(
            [
                """{"fruit":"apple","animal":"cat","color":"pink","shape":"circle"}""",
                """{"fruit":"apple","animal":"dog","color":"green","shape":"circle"}""",
                """{"fruit":"pear","animal":"cat","color":"pink"}""",
                """{"fruit":"pear","animal":"dog","color":"green"}""",
                """{"fruit":"banana"}""",
                """{"fruit":"banana","animal":"cat"}""",
            ],
            combinations);
    }

    [Fact]
    public void Expand_IncludeMatchingOneCombination_AddsValueOnlyThere()
    {
        var combinations = Expand("""
            {"os":["windows-latest","ubuntu-latest"],"node":[14,16],"include":[{"os":"windows-latest","node":16,"npm":6}]}
            """);

        Assert.Equal(
            [
                """{"os":"windows-latest","node":14}""",
                """{"os":"windows-latest","node":16,"npm":6}""",
                """{"os":"ubuntu-latest","node":14}""",
                """{"os":"ubuntu-latest","node":16}""",
            ],
            combinations);
    }

    [Fact]
    public void Expand_OnlyIncludes_EachIsACombination()
    {
        Assert.Equal(
            ["""{"site":"production","datacenter":"site-a"}""", """{"site":"staging","datacenter":"site-b"}"""],
            Expand("""{"include":[{"site":"production","datacenter":"site-a"},{"site":"staging","datacenter":"site-b"}]}"""));
    }

    [Fact]
    public void Expand_IncludeAfterEverythingExcluded_AddedAsNew()
    {
        Assert.Equal(
            ["""{"os":"linux","extra":true}"""],
            Expand("""{"os":["linux"],"exclude":[{"os":"linux"}],"include":[{"os":"linux","extra":true}]}"""));
    }

    [Fact]
    public void Expand_ObjectValues_MatchStructurally()
    {
        Assert.Equal(
            ["""{"cfg":{"a":2}}"""],
            Expand("""{"cfg":[{"a":1},{"a":2}],"exclude":[{"cfg":{"a":1}}]}"""));
    }

    [Fact]
    public void Expand_NumberAndStringDiffer_NotExcluded()
    {
        Assert.Equal(2, Expand("""{"v":[1,2],"exclude":[{"v":"1"}]}""").Count);
    }

    [Theory]
    [InlineData("""["a"]""", "the matrix must be a mapping")]
    [InlineData("""{"os":"linux"}""", "matrix key 'os' must be a list of values, got \"linux\"")]
    [InlineData("""{"os":["a"],"exclude":[{"arch":"x"}]}""", "matrix exclude key 'arch' does not match any key within the matrix")]
    [InlineData("""{"os":["a"],"include":{"os":"b"}}""", "matrix include must be a list of mappings")]
    [InlineData("""{"os":["a"],"include":["b"]}""", "each matrix include entry must be a mapping")]
    public void Expand_InvalidShape_Throws(string json, string message)
    {
        var error = Assert.Throws<MatrixException>(() => MatrixExpander.Expand(ExpressionValue.ParseJson(json)));

        Assert.StartsWith(message, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Expand_ParsedYamlMatrix_Works()
    {
        var matrix = WorkflowParser.Parse("jobs:\n  j:\n    runs-on: x\n    strategy:\n      matrix:\n        node: [18, 20]\n        include:\n          - node: 20\n            latest: true\n    steps: [run: x]\n")
            .Workflow!.Jobs[0].Strategy!.Matrix!;

        var combinations = MatrixExpander.Expand(matrix);

        Assert.Equal(2, combinations.Count);
        Assert.Equal(18, combinations[0]["node"].AsNumber);
        Assert.True(combinations[1]["latest"].AsBoolean);
        Assert.False(combinations[0].ContainsKey("latest"));
    }
}
