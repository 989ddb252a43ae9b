using KubeRunner.Executor.Engine;

namespace KubeRunner.Executor.Tests.Engine;

/// <summary>
/// Corners of the pattern syntax, each checked against forgejo-runner's hashFiles script under node
/// with a workspace holding just the one file.
/// </summary>
public sealed class WorkspaceHashSyntaxTests
{
    [Theory]
    [InlineData("*", ".hidden", true)]
    [InlineData("a?", "a", false)]
    [InlineData(@"\*", "*", true)]
    [InlineData(@"\*", "a", false)]
    [InlineData("[^a]b", "cb", true)]
    [InlineData("[z-a]", "[z-a]", true)] // a backwards range is no class: the brackets are literal
    [InlineData("[z-a]", "z", false)]
    [InlineData("a[", "a[", true)] // an unclosed bracket is literal
    [InlineData("*[", "x[", false)]
    [InlineData("*[", "x[undefined", true)] // minimatch's slip, kept for the same result
    [InlineData(@"[a\-z]", "b", true)] // minimatch passes "\-" on as a range dash
    [InlineData(@"[\d-a]", "d", false)] // valid as written, backwards once rewritten: matches nothing
    [InlineData("[!]", "x", false)] // the search starts at the literal name "!", which is absent
    [InlineData("[]a]", "]", false)] // likewise from the name "[]a]"
    public void Compute_PatternAgainstOneFile_MatchesAsForgejoRunner(string pattern, string fileName, bool matches)
    {
        using var tree = new WorkspaceTree();
        tree.File(fileName, "x");

        var hash = WorkspaceHash.Compute(tree.Workspace, [pattern], followSymbolicLinks: false);

        Assert.Equal(matches ? WorkspaceTree.Expected("x") : "", hash);
    }
}
