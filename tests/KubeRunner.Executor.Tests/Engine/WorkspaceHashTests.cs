using System.Security.Cryptography;
using Google.Protobuf.WellKnownTypes;
using KubeRunner.Executor.Engine;
using KubeRunner.Protocol.Executor.V1;
using KubeRunner.Workflow.Expressions;
using KubeRunner.Workflow.Model;
using ForgeTask = KubeRunner.Protocol.Runner.V1.Task;

namespace KubeRunner.Executor.Tests.Engine;

public sealed class WorkspaceHashTests : IDisposable
{
    private readonly WorkspaceTree _tree = new();

    public void Dispose() => _tree.Dispose();

    /// <summary>
    /// forgejo-runner's act/exprparser/testdata, with the values its hashFiles script
    /// (act/runner/hashfiles/index.js, what a job runs) prints for them under node. Its
    /// functions_test.go checks other values for these files: those of a Go fallback that
    /// concatenates contents and that a job never reaches.
    /// </summary>
    [Theory]
    [InlineData("31ff3fcb19566e855efbe0c4eb393d1a7807e08c4f1cf4f1a89e29d9d55968c5", "./for-hashing-1.txt")]
    [InlineData("56c352d06ebcf622658fb248292304a432b204d29e11ba76c96dbb647d3b73ad", "./for-hashing-*.txt")]
    [InlineData("31ff3fcb19566e855efbe0c4eb393d1a7807e08c4f1cf4f1a89e29d9d55968c5", "./for-hashing-*.txt|!./for-hashing-2.txt")]
    [InlineData("9af859a89b56aaf2c1bcc457fccd56b85a70d827b9ad588a8929971432580979", "./for-hashing-**")]
    [InlineData("971c07fd4bb8d8afd1ba0a410a3326c1afc51185e262a5b7416308464874eb9c", "./for-hashing-3/**")]
    [InlineData("f5b93541229f40ca0a8a59ec7776bdc80fdb955b5e258c07717efc9b39527d5a", "./for-hashing-3/**/nested-data.txt")]
    [InlineData("", "**/non-extant-files|**/more-non-extant-files")]
    public void Compute_ForgejoRunnerTestData_MatchesItsHashFilesScript(string expected, string patterns)
    {
        _tree.File("for-hashing-1.txt", "Hello\n")
            .File("for-hashing-2.txt", "World!\n")
            .File("for-hashing-3/data.txt", "Knock knock!\n")
            .File("for-hashing-3/nested/nested-data.txt", "Anybody home?\n");

        Assert.Equal(expected, Hash(patterns.Split('|')));
    }

    [Fact]
    public void Compute_OneFile_HashesTheFileDigestNotTheContent()
    {
        _tree.File("for-hashing-1.txt", "Hello\n");

        // 66a045… is the file's own SHA-256 (the value forgejo-runner's functions_test.go expects from its Go fallback).
        Assert.Equal("66a045b452102c59d840ec097d59d9467e13a3f34f6494e539ffd32c1bb35f18", Convert.ToHexStringLower(SHA256.HashData("Hello\n"u8)));
        Assert.Equal(WorkspaceTree.Expected("Hello\n"), Hash("for-hashing-1.txt"));
    }

    [Fact]
    public void Compute_Tree_WalksDepthFirstWithNamesInUtf8ByteOrder()
    {
        // Sorting whole paths would put a-b/x first ('-' < '/'), and UTF-16 order would put 😀 before U+E000.
        _tree.File("a/x", "1").File("a-b/x", "2").File("\ue000.txt", "3").File("😀.txt", "4");

        var hash = Hash("**");

        Assert.Equal("d65b4b0c92948fda3fd61fcdcf98bffdf816eb861967a45a0c3d9c4abfa148c0", hash); // forgejo-runner's script
        Assert.Equal(WorkspaceTree.Expected("1", "2", "3", "4"), hash);
    }

    [Fact]
    public void Compute_DoubleStar_MatchesAtAnyDepth()
    {
        _tree.File("a.lock", "a").File("x/b.lock", "b").File("x/y/c.lock", "c").File("x/y/c.txt", "t");

        Assert.Equal(WorkspaceTree.Expected("a", "b", "c"), Hash("**/*.lock"));
    }

    [Fact]
    public void Compute_Star_DoesNotCrossSlash()
    {
        _tree.File("a.lock", "a").File("x/b.lock", "b").File("x/y/c.lock", "c");

        Assert.Equal(WorkspaceTree.Expected("a"), Hash("*.lock"));
        Assert.Equal(WorkspaceTree.Expected("b"), Hash("x/*.lock"));
    }

    [Fact]
    public void Compute_QuestionMarkAndBrackets_MatchOneCharacterAndBracesAreLiteral()
    {
        _tree.File("a1.txt", "a1").File("a2.txt", "a2").File("a10.txt", "a10").File("b1.txt", "b1").File("{a,b}1.txt", "braces");

        Assert.Equal(WorkspaceTree.Expected("a1", "a2"), Hash("a?.txt"));
        Assert.Equal(WorkspaceTree.Expected("a1", "b1"), Hash("[ab]1.txt"));
        Assert.Equal(WorkspaceTree.Expected("b1"), Hash("[!a]1.txt"));
        Assert.Equal(WorkspaceTree.Expected("braces"), Hash("{a,b}1.txt"));
    }

    [Fact]
    public void Compute_SeveralPatterns_HashesInPatternOrder()
    {
        _tree.File("a/1.txt", "a").File("b/1.txt", "b");

        Assert.Equal(WorkspaceTree.Expected("a", "b"), Hash("a/*", "b/*"));
        Assert.Equal(WorkspaceTree.Expected("b", "a"), Hash("b/*", "a/*"));
    }

    [Fact]
    public void Compute_OverlappingPatterns_HashEachFileOnce()
    {
        _tree.File("a/1.txt", "a").File("b/1.txt", "b");

        Assert.Equal(WorkspaceTree.Expected("a", "b"), Hash("a/*.txt", "**/*.txt"));
    }

    [Fact]
    public void Compute_Exclusion_RemovesWhatEarlierPatternsMatched()
    {
        _tree.File("a.txt", "a").File("b.txt", "b").File("sub/c.txt", "c");

        Assert.Equal(WorkspaceTree.Expected("a", "c"), Hash("**/*.txt", "!b.txt"));
        Assert.Equal(WorkspaceTree.Expected("a", "b"), Hash("**/*.txt", "!sub"));
    }

    [Fact]
    public void Compute_ExclusionBeforeInclusion_IsUndone()
    {
        _tree.File("a.txt", "a").File("b.txt", "b");

        Assert.Equal(WorkspaceTree.Expected("a", "b"), Hash("!b.txt", "*.txt"));
    }

    [Fact]
    public void Compute_NothingMatches_ReturnsEmptyString()
    {
        _tree.File("a.txt", "a");

        Assert.Equal("", Hash("**/*.lock"));
        Assert.Equal("", Hash("!a.txt"));
    }

    [Fact]
    public void Compute_DirectoryName_HashesTheFilesBelowIt()
    {
        _tree.File("src/a.cs", "a").File("src/deep/b.cs", "b").File("other.cs", "o");

        Assert.Equal(WorkspaceTree.Expected("a", "b"), Hash("src"));
        Assert.Equal(WorkspaceTree.Expected("a", "b"), Hash("src/"));
    }

    [Fact]
    public void Compute_MatchedDirectories_AreNotHashed()
    {
        _tree.Dir("empty.lock").Dir("also/empty.lock");

        Assert.Equal("", Hash("**/*.lock"));
        Assert.Equal("", Hash("**"));
    }

    [Fact]
    public void Compute_CommentsBlankLinesAndSpaces_AreIgnored()
    {
        _tree.File("a.txt", "a").File("b.txt", "b");

        Assert.Equal(WorkspaceTree.Expected("b"), Hash("# a.txt", "   ", "  b.txt  "));
    }

    [Fact]
    public void Compute_PatternHoldingNewline_IsTwoPatterns()
    {
        _tree.File("a.txt", "a").File("b.txt", "b");

        Assert.Equal(WorkspaceTree.Expected("a", "b"), Hash("a.txt\nb.txt"));
    }

    [Theory]
    [InlineData("../x")]
    [InlineData("a/../../x")]
    [InlineData("a/./b")]
    [InlineData("!")]
    [InlineData("a\0b")]
    public void Compute_PatternLeavingTheWorkspaceOrUnusable_Throws(string pattern)
    {
        _tree.File("../x", "outside").File("a/b", "b");

        var error = Assert.Throws<ExpressionException>(() => Hash(pattern));

        Assert.StartsWith("hashFiles('", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Compute_AbsolutePattern_CountsOnlyFilesInsideTheWorkspace()
    {
        _tree.File("../outside.txt", "outside").File("a.txt", "a");

        Assert.Equal("", Hash(Path.Combine(_tree.Root, "outside.txt")));
        Assert.Equal("", Hash(Path.Combine(_tree.Root, "*.txt")));
        Assert.Equal(WorkspaceTree.Expected("a"), Hash(Path.Combine(_tree.Workspace, "a.txt")));
    }

    [Fact]
    public void Compute_UnknownOptionFirst_Throws()
    {
        _tree.File("a.txt", "a");

        var error = Assert.Throws<ExpressionException>(() => Hash("--recursive", "a.txt"));

        Assert.Contains("Invalid glob option --recursive", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Interpolate_HashFilesThroughJobRunContext_HashesTheJobWorkspace()
    {
        _tree.File("app/packages.lock", "app").File("lib/packages.lock", "lib").File("README", "readme");
        var task = new ForgeTask { Context = new Struct { Fields = { ["repository"] = Value.ForString("ws") } } };
        var settings = new JobSettings { WorkspaceParent = _tree.Root, ActDir = Path.Combine(_tree.Root, "act") };
        var job = new JobDefinition { Id = "build" };
        var workflow = new WorkflowDefinition(null, null, [], [], RunDefaults.None, [job]);
        var run = new JobRun(task, settings, workflow, job, new Dictionary<string, string>());

        var key = Template.Interpolate("deps-${{ hashFiles('**/*.lock') }}", run.Context());

        Assert.Equal(_tree.Workspace, run.Workspace);
        Assert.Equal("deps-" + WorkspaceTree.Expected("app", "lib"), key);
    }

    private string Hash(params string[] patterns) => WorkspaceHash.Compute(_tree.Workspace, patterns, followSymbolicLinks: false);
}
