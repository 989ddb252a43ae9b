using KubeRunner.Workflow.Actions;

namespace KubeRunner.Workflow.Tests.Actions;

public sealed class ActionReferenceTests
{
    private static ActionReference Parse(string uses)
    {
        Assert.True(ActionReference.TryParse(uses, out var reference, out var error), error);
        Assert.Null(error);
        return reference!;
    }

    [Theory]
    [InlineData("./.forgejo/actions/setup")]
    [InlineData("./")]
    [InlineData("./tools/lint@v1")]
    public void TryParse_DotSlashPath_IsLocalWithPathAsWritten(string uses)
    {
        var reference = Parse(uses);

        Assert.Equal(ActionReferenceKind.Local, reference.Kind);
        Assert.Equal(uses, reference.Path);
        Assert.Equal(uses, reference.Uses);
        Assert.Equal("", reference.Ref);
        Assert.Equal("", reference.Owner);
    }

    [Theory]
    [InlineData("docker://alpine:3.20", "alpine:3.20")]
    [InlineData("docker://ghcr.io/owner/tool@sha256:0123abcd", "ghcr.io/owner/tool@sha256:0123abcd")]
    public void TryParse_DockerUrl_TakesImageAfterScheme(string uses, string image)
    {
        var reference = Parse(uses);

        Assert.Equal(ActionReferenceKind.Docker, reference.Kind);
        Assert.Equal(image, reference.Image);
        Assert.Equal("", reference.Ref);
    }

    [Fact]
    public void TryParse_ShortForm_SplitsOwnerRepoAndRef()
    {
        var reference = Parse("actions/checkout@v4");

        Assert.Equal(
            new ActionReference { Kind = ActionReferenceKind.Remote, Uses = "actions/checkout@v4", Owner = "actions", Repo = "checkout", Ref = "v4" },
            reference);
        Assert.Null(reference.BaseUrl);
        Assert.Equal("", reference.Path);
    }

    [Theory]
    [InlineData("owner/repo/sub/dir@main", "sub/dir", "main")]
    [InlineData("owner/repo/@v1", "", "v1")]
    [InlineData("owner/repo@release@2024", "", "release@2024")]
    [InlineData("owner/repo/path/x@feature/a-b", "path/x", "feature/a-b")]
    public void TryParse_ShortFormWithPathOrAtSigns_RefIsAfterFirstAt(string uses, string path, string @ref)
    {
        var reference = Parse(uses);

        Assert.Equal(("owner", "repo"), (reference.Owner, reference.Repo));
        Assert.Equal(path, reference.Path);
        Assert.Equal(@ref, reference.Ref);
    }

    [Theory]
    [InlineData("https://code.forgejo.org/actions/checkout@v4", "https://code.forgejo.org", "actions", "checkout", "")]
    [InlineData("http://forge.local:3000/org/tools/lint/go@v1", "http://forge.local:3000", "org", "tools", "lint/go")]
    public void TryParse_FullUrl_BaseUrlIsSchemeAndHost(string uses, string baseUrl, string owner, string repo, string path)
    {
        var reference = Parse(uses);

        Assert.Equal(ActionReferenceKind.Remote, reference.Kind);
        Assert.Equal(baseUrl, reference.BaseUrl);
        Assert.Equal((owner, repo, path), (reference.Owner, reference.Repo, reference.Path));
    }

    [Fact]
    public void TryParse_FullUrlWithPathPrefix_FirstTwoSegmentsAreOwnerAndRepo()
    {
        // forgejo-runner keeps only the host: a forge under /git/ cannot be addressed by URL.
        var reference = Parse("https://example.com/git/owner/repo@v1");

        Assert.Equal("https://example.com", reference.BaseUrl);
        Assert.Equal(("git", "owner", "repo"), (reference.Owner, reference.Repo, reference.Path));
    }

    [Theory]
    [InlineData("", "a step's 'uses' is empty")]
    [InlineData("   ", "a step's 'uses' is empty")]
    [InlineData("actions/checkout", "'uses: actions/checkout' names no version: write 'actions/checkout@ref'")]
    [InlineData("actions/checkout@", "'uses: actions/checkout@' names no version: write 'actions/checkout@ref'")]
    [InlineData("https://code.forgejo.org/actions/checkout", "'uses: https://code.forgejo.org/actions/checkout' names no version: write 'https://code.forgejo.org/actions/checkout@ref'")]
    [InlineData("checkout@v4", "'uses: checkout@v4' names no repository: write ./path/to/action, docker://image, owner/repo[/path]@ref")]
    [InlineData("/owner/repo@v1", "'uses: /owner/repo@v1' names no repository")]
    [InlineData("owner/@v1", "'uses: owner/@v1' names no repository")]
    [InlineData("owner//x@v1", "'uses: owner//x@v1' names no repository")]
    [InlineData("https://code.forgejo.org/actions@v4", "'uses: https://code.forgejo.org/actions@v4' names no repository")]
    [InlineData("https://host@v1", "'uses: https://host@v1' names no repository: write https://host/owner/repo[/path]@ref")]
    [InlineData("docker://", "'uses: docker://' names no image: write docker://image[:tag]")]
    [InlineData("../shared/action", "'uses: ../shared/action' is not inside the workspace: a local action's path starts with './'")]
    public void TryParse_Invalid_ExplainsWhatToWrite(string uses, string expected)
    {
        Assert.False(ActionReference.TryParse(uses, out var reference, out var error));

        Assert.Null(reference);
        Assert.StartsWith(expected, error, StringComparison.Ordinal);
        Assert.DoesNotContain('\n', error!);
    }

    [Theory]
    [InlineData("owner/repo/.forgejo/workflows/build.yml@v1")]
    [InlineData("owner/repo/.github/workflows/ci.yaml@main")]
    [InlineData("https://example.com/owner/repo/.gitea/workflows/test.yml@v2")]
    [InlineData("./.github/workflows/reusable.yml")]
    [InlineData("./.forgejo/workflows/reusable.yaml")]
    [InlineData(".gitea/workflows/build.yml")]
    public void TryParse_ReusableWorkflow_RefusedAsNotAStep(string uses)
    {
        Assert.False(ActionReference.TryParse(uses, out _, out var error));

        Assert.Equal(
            $"'uses: {uses}' is a reusable workflow: the forge expands reusable workflows into jobs, they cannot run as a step; call it from a job's 'uses:' instead",
            error);
    }

    [Theory]
    [InlineData("owner/repo/.forgejo/workflows@v1")]
    [InlineData("./.forgejo/workflows-helper")]
    public void TryParse_WorkflowsDirectoryWithoutYamlFile_IsAnAction(string uses)
    {
        Assert.True(ActionReference.TryParse(uses, out _, out _));
    }

    [Theory]
    [InlineData("actions/checkout@v4", "https://code.forgejo.org", "https://code.forgejo.org/actions/checkout")]
    [InlineData("actions/checkout@v4", "https://data.forgejo.org/", "https://data.forgejo.org/actions/checkout")]
    [InlineData("actions/checkout@v4", "data.forgejo.org", "https://data.forgejo.org/actions/checkout")]
    [InlineData("actions/checkout@v4", "http://forge.internal:3000", "http://forge.internal:3000/actions/checkout")]
    [InlineData("owner/repo/sub@v1", "https://code.forgejo.org", "https://code.forgejo.org/owner/repo")]
    [InlineData("http://forge.local:3000/org/tools@v1", "https://code.forgejo.org", "http://forge.local:3000/org/tools")]
    public void RepositoryUrl_Remote_UsesBaseUrlElseDefault(string uses, string defaultActionsUrl, string expected)
    {
        Assert.Equal(expected, Parse(uses).RepositoryUrl(defaultActionsUrl));
    }

    [Theory]
    [InlineData("./local")]
    [InlineData("docker://alpine")]
    public void RepositoryUrl_NotRemote_Throws(string uses)
    {
        Assert.Throws<InvalidOperationException>(() => Parse(uses).RepositoryUrl("https://code.forgejo.org"));
    }
}
