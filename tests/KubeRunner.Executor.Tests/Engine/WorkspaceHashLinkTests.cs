using KubeRunner.Executor.Engine;
using KubeRunner.Workflow.Expressions;

namespace KubeRunner.Executor.Tests.Engine;

/// <summary>
/// Symbolic links with and without <c>--follow-symbolic-links</c>. The literal values are what
/// forgejo-runner's hashFiles script prints under node for the same tree.
/// </summary>
public sealed class WorkspaceHashLinkTests : IDisposable
{
    private readonly WorkspaceTree _tree = new();

    public WorkspaceHashLinkTests()
    {
        // ws/{a/1.txt, b/1.txt, top.txt}, ws/linkdir -> ../out (out/o.txt), ws/linkfile -> a/1.txt, ws/c/up -> ..
        _tree.File("a/1.txt", "a1").File("b/1.txt", "b1").File("top.txt", "top").File("../out/o.txt", "o")
            .Link("linkdir", "../out").Link("linkfile", "a/1.txt").Link("c/up", "..");
    }

    public void Dispose() => _tree.Dispose();

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void Compute_LinkToFile_HashesTheTargetContent(bool follow)
    {
        Assert.Equal(WorkspaceTree.Expected("a1"), Hash(follow, "linkfile"));
    }

    [Fact]
    public void Compute_LinkToDirectoryWithoutFollowing_IsNotEntered()
    {
        var all = Hash(follow: false, "**");

        Assert.Equal("d9d9bc0328e03069511ede5cdd7a0fbf07fc620b81041b92322fe440df7160e4", all);
        Assert.Equal(WorkspaceTree.Expected("a1", "b1", "a1", "top"), all);
        Assert.Equal("", Hash(follow: false, "linkdir/*"));
    }

    [Fact]
    public void Compute_LinkToDirectoryWhenFollowing_IsEnteredUnderTheLinkPath()
    {
        var all = Hash(follow: true, "**");

        Assert.Equal("0ef37b1722f9c0c76b4cd30a92d53e952ba1adea2b2af4ce23709ece1929baee", all);
        Assert.Equal(WorkspaceTree.Expected("a1", "b1", "o", "a1", "top"), all);
        Assert.Equal(WorkspaceTree.Expected("o"), Hash(follow: true, "linkdir/*"));
    }

    [Fact]
    public void Compute_LinkCycleWhenFollowing_EntersEachDirectoryOnceOnThePath()
    {
        // c/up leads back to the workspace, whose c is then the directory being searched and is skipped.
        Assert.Equal(Hash(follow: true, "**"), Hash(follow: true, "c/**"));
        Assert.Equal("", Hash(follow: false, "c/**"));
    }

    [Fact]
    public void Compute_BrokenLink_FailsWithoutFollowingAndIsSkippedWhenFollowing()
    {
        _tree.Link("broken", "missing-target");

        var error = Assert.Throws<ExpressionException>(() => Hash(follow: false, "*"));

        Assert.Contains("/broken': No such file or directory", error.Message, StringComparison.Ordinal);
        Assert.Equal(WorkspaceTree.Expected("a1", "b1", "o", "a1", "top"), Hash(follow: true, "*"));
    }

    [Fact]
    public void Compute_FollowOptionFirstInAnyCase_FollowsLinks()
    {
        var hash = WorkspaceHash.Compute(_tree.Workspace, ["--Follow-Symbolic-Links", "linkdir/*"], followSymbolicLinks: false);

        Assert.Equal(WorkspaceTree.Expected("o"), hash);
    }

    [Fact]
    public void Compute_WorkspaceReachedThroughLink_HashesTheSameFiles()
    {
        var linked = Path.Combine(_tree.Root, "ws-link");
        File.CreateSymbolicLink(linked, _tree.Workspace);

        Assert.Equal(Hash(follow: false, "**"), WorkspaceHash.Compute(linked, ["**"], followSymbolicLinks: false));
    }

    private string Hash(bool follow, params string[] patterns) => WorkspaceHash.Compute(_tree.Workspace, patterns, follow);
}
