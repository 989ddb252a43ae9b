using KubeRunner.Workflow.Actions;

namespace KubeRunner.Workflow.Tests.Actions;

public sealed class ActionManifestParserTests
{
    private const string CheckoutLike = """
        name: 'Checkout'
        description: 'Check out a Git repository at a particular version'
        author: 'Forgejo'
        inputs:
          repository:
            description: 'Repository name with owner. For example, actions/checkout'
            default: ${{ github.repository }}
          ref:
            description: >
              The branch, tag or SHA to checkout.
          token:
            description: Personal access token used to fetch the repository
            default: ${{ github.token }}
            required: true
          fetch-depth:
            description: 'Number of commits to fetch. 0 indicates all history.'
            default: 1
          lfs:
            description: Whether to download Git-LFS files
            default: false
            required: "false"
          path:
            description: Relative path under $GITHUB_WORKSPACE to place the repository
            deprecationMessage: use 'directory' instead
            type: string
        outputs:
          ref:
            description: 'The branch, tag or SHA that was checked out'
          commit:
            description: 'The commit SHA that was checked out'
        runs:
          using: node20
          main: dist/index.js
          post: dist/index.js
        branding:
          icon: 'download'
          color: 'gray-dark'
        """;

    private static ActionManifest Parse(string yaml) => ParsedManifest.Of(yaml);

    [Fact]
    public void Parse_NodeAction_ReadsNameDescriptionAndRuns()
    {
        var manifest = Parse(CheckoutLike);

        Assert.Equal("Checkout", manifest.Name);
        Assert.Equal("Check out a Git repository at a particular version", manifest.Description);
        Assert.Equal("node20", manifest.Runs.Using);
        Assert.True(manifest.Runs.IsNode);
        Assert.Equal("dist/index.js", manifest.Runs.Main);
        Assert.Equal("dist/index.js", manifest.Runs.Post);
        Assert.Null(manifest.Runs.Pre);
        Assert.Null(manifest.Runs.PostIf);
        Assert.Empty(manifest.Runs.Steps);
    }

    [Fact]
    public void Parse_NodeAction_KeepsInputsInFileOrderWithDefaultsVerbatim()
    {
        var inputs = Parse(CheckoutLike).Inputs;

        Assert.Equal(["repository", "ref", "token", "fetch-depth", "lfs", "path"], inputs.Select(i => i.Key));
        Assert.Equal(new ActionInput("Repository name with owner. For example, actions/checkout", false, "${{ github.repository }}", null), inputs[0].Value);
        Assert.Equal(new ActionInput("The branch, tag or SHA to checkout.\n", false, null, null), inputs[1].Value);
        Assert.Equal(new ActionInput("Personal access token used to fetch the repository", true, "${{ github.token }}", null), inputs[2].Value);
        Assert.Equal("1", inputs[3].Value.Default);
        Assert.Equal(("false", false), (inputs[4].Value.Default, inputs[4].Value.Required));
        Assert.Equal("use 'directory' instead", inputs[5].Value.DeprecationMessage);
    }

    [Fact]
    public void Parse_NodeAction_KeepsOutputsInFileOrder()
    {
        var outputs = Parse(CheckoutLike).Outputs;

        Assert.Equal(["ref", "commit"], outputs.Select(o => o.Key));
        Assert.Equal(new ActionOutput("The commit SHA that was checked out", null), outputs[1].Value);
    }

    [Theory]
    [InlineData("true", true)]
    [InlineData("True", true)]
    [InlineData("'true'", true)]
    [InlineData("yes", true)]
    [InlineData("false", false)]
    [InlineData("\"FALSE\"", false)]
    [InlineData("off", false)]
    [InlineData("", false)]
    public void Parse_InputRequired_AcceptsYamlBooleansAndTheirStrings(string written, bool expected)
    {
        var manifest = Parse($"inputs:\n  x:\n    required: {written}\nruns:\n  using: node20\n  main: a.js\n");

        Assert.Equal(expected, Assert.Single(manifest.Inputs).Value.Required);
    }

    [Fact]
    public void Parse_InputWithoutSettings_HasEmptyDescriptionAndNoDefault()
    {
        var manifest = Parse("inputs:\n  name:\nruns:\n  using: node20\n  main: a.js\n");

        Assert.Equal(new KeyValuePair<string, ActionInput>("name", new ActionInput("", false, null, null)), Assert.Single(manifest.Inputs));
    }

    [Theory]
    [InlineData("NODE24", "node24")]
    [InlineData("Node16", "node16")]
    [InlineData("node12", "node12")]
    public void Parse_UsingInAnyCase_NormalisedToLowerCase(string written, string expected)
    {
        var runs = Parse($"runs:\n  using: {written}\n  main: index.js\n").Runs;

        Assert.Equal(expected, runs.Using);
        Assert.True(runs.IsNode);
    }

    [Fact]
    public void Parse_ShAction_KeepsMainPreAndConditions()
    {
        var runs = Parse("runs:\n  using: sh\n  main: ./run.sh \"$INPUT_NAME\"\n  pre: ./pre.sh\n  pre-if: runner.os == 'Linux'\n  post: ./post.sh\n  post-if: success()\n").Runs;

        Assert.Equal("sh", runs.Using);
        Assert.False(runs.IsNode);
        Assert.Equal(("./run.sh \"$INPUT_NAME\"", "./pre.sh", "./post.sh"), (runs.Main, runs.Pre, runs.Post));
        Assert.Equal(("runner.os == 'Linux'", "success()"), (runs.PreIf, runs.PostIf));
    }

    [Fact]
    public void Parse_GoAction_KeepsMain()
    {
        var runs = Parse("name: hello\nruns:\n  using: go\n  main: cmd/hello/main.go\n").Runs;

        Assert.Equal(("go", "cmd/hello/main.go"), (runs.Using, runs.Main));
    }

    [Fact]
    public void Parse_DockerAction_ReadsImageArgsEntrypointsAndEnv()
    {
        var runs = Parse("""
            name: Lint Dockerfiles
            description: Runs hadolint on a Dockerfile
            inputs:
              dockerfile:
                description: Path of the Dockerfile
                default: Dockerfile
            runs:
              using: 'docker'
              image: docker://ghcr.io/hadolint/hadolint:v2.12.0
              entrypoint: /bin/hadolint
              pre-entrypoint: /bin/prepare.sh
              pre-if: runner.os == 'Linux'
              post-entrypoint: /bin/cleanup.sh
              args:
                - --config
                - ${{ inputs.config }}
                - ${{ inputs.dockerfile }}
              env:
                HADOLINT_NOFAIL: 'true'
                LEVEL: ${{ inputs.level }}
            """).Runs;

        Assert.Equal("docker", runs.Using);
        Assert.Equal("docker://ghcr.io/hadolint/hadolint:v2.12.0", runs.Image);
        Assert.Equal(["--config", "${{ inputs.config }}", "${{ inputs.dockerfile }}"], runs.Args);
        Assert.Equal(("/bin/hadolint", "/bin/prepare.sh", "/bin/cleanup.sh"), (runs.Entrypoint, runs.PreEntrypoint, runs.PostEntrypoint));
        Assert.Equal("runner.os == 'Linux'", runs.PreIf);
        Assert.Equal([new("HADOLINT_NOFAIL", "true"), new("LEVEL", "${{ inputs.level }}")], runs.Env);
        Assert.Null(runs.Main);
    }

    [Fact]
    public void Parse_DockerActionWithDockerfile_KeepsImagePath()
    {
        var runs = Parse("runs:\n  using: docker\n  image: build/Dockerfile\n").Runs;

        Assert.Equal("build/Dockerfile", runs.Image);
        Assert.Empty(runs.Args);
        Assert.Empty(runs.Env);
    }

    [Fact]
    public void DockerfileOnly_IsDockerActionBuildingTheDockerfile()
    {
        var manifest = ActionManifestParser.DockerfileOnly();

        Assert.Equal(("docker", "Dockerfile"), (manifest.Runs.Using, manifest.Runs.Image));
        Assert.Equal(ActionManifestParser.DefaultDockerfile, manifest.Runs.Image);
        Assert.Empty(manifest.Inputs);
        Assert.Empty(manifest.Outputs);
    }

    [Fact]
    public void FileNames_ActionYmlFirst()
    {
        Assert.Equal(["action.yml", "action.yaml"], ActionManifestParser.FileNames);
    }
}
