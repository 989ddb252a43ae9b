using KubeRunner.Workflow.Actions;

namespace KubeRunner.Workflow.Tests.Actions;

public sealed class ActionReferenceShaTests
{
    private const string Commit = "5a4ac9002d0be2fb38bd78e4b4dbde5606d7042f";

    private static ActionReference Remote(string @ref)
    {
        Assert.True(ActionReference.TryParse($"actions/checkout@{@ref}", out var reference, out var error), error);
        return reference!;
    }

    [Theory]
    [InlineData(Commit, true)]
    [InlineData("0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef", true)]
    [InlineData("5a4ac9002d0be2fb38bd78e4b4dbde5606d7042", false)]
    [InlineData("5a4ac9002d0be2fb38bd78e4b4dbde5606d7042f0", false)]
    [InlineData("5A4AC9002D0BE2FB38BD78E4B4DBDE5606D7042F", false)]
    [InlineData("5a4ac9002d0be2fb38bd78e4b4dbde5606d7042g", false)]
    [InlineData("v4", false)]
    public void IsFullSha_Ref_TrueOnlyForWholeLowerCaseHash(string @ref, bool expected)
    {
        Assert.Equal(expected, Remote(@ref).IsFullSha);
    }

    [Theory]
    [InlineData(4)]
    [InlineData(7)]
    [InlineData(39)]
    public void AbbreviatedShaError_PrefixOfResolvedCommit_RefusedWithFullSha(int length)
    {
        var reference = Remote(Commit[..length]);

        var error = reference.AbbreviatedShaError(Commit);

        Assert.Equal(
            $"cannot use the action 'actions/checkout@{Commit[..length]}': its ref '{Commit[..length]}' is an abbreviated commit SHA, "
            + $"which is not supported; write the full commit SHA '{Commit}' instead",
            error);
    }

    [Fact]
    public void TryParse_AbbreviatedSha_AcceptedBecauseOnlyGitCanTellItFromABranch()
    {
        // "cafe1234" may be a branch; forgejo-runner decides only after the clone resolved it.
        Assert.True(ActionReference.TryParse("owner/repo@cafe1234", out var reference, out _));

        Assert.Equal("cafe1234", reference!.Ref);
    }

    [Theory]
    [InlineData("5a4")]
    [InlineData(Commit)]
    [InlineData("v2")]
    [InlineData("5A4AC90")]
    public void AbbreviatedShaError_ThreeCharsFullShaTagOrUpperCase_Accepted(string @ref)
    {
        Assert.Null(Remote(@ref).AbbreviatedShaError(Commit));
    }

    [Fact]
    public void AbbreviatedShaError_HexLookingBranchResolvedElsewhere_Accepted()
    {
        Assert.Null(Remote("cafe").AbbreviatedShaError(Commit));
    }

    [Fact]
    public void AbbreviatedShaError_LocalAction_NeverRefused()
    {
        Assert.True(ActionReference.TryParse("./5a4a", out var reference, out _));

        Assert.Null(reference!.AbbreviatedShaError(Commit));
    }
}
