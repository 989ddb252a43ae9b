using KubeRunner.Workflow.Actions;
using KubeRunner.Workflow.Model;

namespace KubeRunner.Workflow.Tests.Actions;

public sealed class ActionManifestParserErrorTests
{
    private const string Known = "composite, docker, node12, node16, node20, node24, go, sh";

    private static WorkflowError SingleError(string yaml)
    {
        var result = ActionManifestParser.Parse(yaml);
        Assert.False(result.Ok);
        return Assert.Single(result.Errors);
    }

    [Fact]
    public void Parse_YamlSyntaxError_ReportsLineAndNoManifest()
    {
        var result = ActionManifestParser.Parse("name: x\nruns:\n  using: [node20\n");

        Assert.Null(result.Manifest);
        var error = Assert.Single(result.Errors);
        Assert.Equal(4, error.Line);
        Assert.StartsWith("the action is not valid YAML: ", error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("- a\n- b\n", "the action must be a mapping, got a list")]
    [InlineData("just text\n", "the action must be a mapping, got 'just text'")]
    public void Parse_NotAMapping_ReportsErrorAndNoManifest(string yaml, string message)
    {
        var result = ActionManifestParser.Parse(yaml);

        Assert.Null(result.Manifest);
        Assert.Equal(new WorkflowError(1, 1, message), Assert.Single(result.Errors));
    }

    [Fact]
    public void Parse_Empty_ReportsEmptyAction()
    {
        Assert.Equal("the action is empty", Assert.Single(ActionManifestParser.Parse("").Errors).Message);
    }

    [Fact]
    public void Parse_NoRuns_ReportedAtRoot()
    {
        var result = ActionManifestParser.Parse("name: x\ndescription: y\n");

        Assert.Null(result.Manifest);
        Assert.Equal(new WorkflowError(1, 1, "the action has no 'runs', which says how the action runs"), Assert.Single(result.Errors));
    }

    [Theory]
    [InlineData("name: x\nruns:\n  main: index.js\n", 2)]
    [InlineData("name: x\nruns:\n", 2)]
    public void Parse_NoUsing_ReportedAtRunsAndNoManifest(string yaml, int line)
    {
        var result = ActionManifestParser.Parse(yaml);

        Assert.Null(result.Manifest);
        Assert.Equal(new WorkflowError(line, 1, $"runs of the action has no 'using', it must be one of {Known}"), Assert.Single(result.Errors));
    }

    [Theory]
    [InlineData("node18", "'node18'")]
    [InlineData("python", "'python'")]
    public void Parse_UnknownUsing_NamesTheKnownOnes(string written, string quoted)
    {
        var result = ActionManifestParser.Parse($"name: x\nruns:\n  using: {written}\n  main: index.js\n");

        Assert.Null(result.Manifest);
        Assert.Equal(new WorkflowError(3, 10, $"runs.using must be one of {Known}, got {quoted}"), Assert.Single(result.Errors));
    }

    [Fact]
    public void Parse_EmptyUsing_Reported()
    {
        Assert.Equal(new WorkflowError(2, 9, $"runs.using is empty, it must be one of {Known}"), SingleError("runs:\n  using:\n  main: a.js\n"));
    }

    [Theory]
    [InlineData("node20", "a node20 action needs runs.main, the script run with node")]
    [InlineData("sh", "a sh action needs runs.main, the command run with sh -c")]
    [InlineData("go", "a go action needs runs.main, the Go file built and run")]
    public void Parse_ScriptActionWithoutMain_ReportedAtRuns(string runner, string explanation)
    {
        var error = SingleError($"name: x\nruns:\n  using: {runner}\n  post: cleanup\n");

        Assert.Equal(new WorkflowError(2, 1, $"runs of the action has no 'main': {explanation}"), error);
    }

    [Fact]
    public void Parse_NodeActionWithEmptyMain_ReportedAsMissing()
    {
        Assert.StartsWith("runs of the action has no 'main'", SingleError("runs:\n  using: node20\n  main: ''\n").Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Parse_CompositeWithoutSteps_ReportedAtRuns()
    {
        var error = SingleError("name: x\nruns:\n  using: composite\n");

        Assert.Equal(new WorkflowError(2, 1, "runs of the action has no 'steps': a composite action needs runs.steps, the steps it runs"), error);
    }

    [Fact]
    public void Parse_DockerWithoutImage_ReportedAtRuns()
    {
        var error = SingleError("name: x\ninputs: {}\nruns:\n  using: docker\n  args: [a]\n");

        Assert.Equal(
            new WorkflowError(3, 1, "runs of the action has no 'image': a docker action needs runs.image, a docker://image to pull or the path of a Dockerfile to build"),
            error);
    }

    [Theory]
    [InlineData("runs:\n  using: node20\n  main: a.js\n  image: x\n", 4, 3, "unknown key 'image' in runs of the action, a node20 action")]
    [InlineData("runs:\n  using: docker\n  image: x\n  main: a.js\n", 4, 3, "unknown key 'main' in runs of the action, a docker action")]
    [InlineData("runs:\n  using: composite\n  steps: []\n  pre: a.js\n", 4, 3, "unknown key 'pre' in runs of the action, a composite action")]
    [InlineData("runs:\n  using: docker\n  image: x\n  args: --verbose\n", 4, 9, "runs.args must be a list of strings, got '--verbose'")]
    [InlineData("runs: [node20]\n", 1, 7, "runs of the action must be a mapping, got a list")]
    [InlineData("name: [a]\nruns:\n  using: node20\n  main: a.js\n", 1, 7, "the action's name must be a string, got a list")]
    [InlineData("inputs: [a]\nruns:\n  using: node20\n  main: a.js\n", 1, 9, "inputs of the action must be a mapping, got a list")]
    [InlineData("inputs:\n  x:\n    required: maybe\nruns:\n  using: node20\n  main: a.js\n", 3, 15, "required of input 'x' of the action must be true or false, got 'maybe'")]
    [InlineData("inputs:\n  x:\n    default: {a: b}\nruns:\n  using: node20\n  main: a.js\n", 3, 14, "the default of input 'x' of the action must be a string, got a mapping")]
    [InlineData("outputs:\n  x:\n    descripton: y\nruns:\n  using: node20\n  main: a.js\n", 3, 5, "unknown key 'descripton' in output 'x' of the action")]
    public void Parse_WrongShape_ReportedAtItsLine(string yaml, int line, int column, string message)
    {
        Assert.Equal(new WorkflowError(line, column, message), SingleError(yaml));
    }

    [Fact]
    public void Parse_UnknownTopLevelKeys_Allowed()
    {
        var result = ActionManifestParser.Parse("name: x\nauthor: me\nbranding:\n  icon: box\n  color: blue\nruns:\n  using: node20\n  main: a.js\n");

        Assert.True(result.Ok);
    }

    [Fact]
    public void Parse_SeveralProblems_AllReported()
    {
        var result = ActionManifestParser.Parse("inputs:\n  x:\n    required: maybe\noutputs:\n  y:\n    val: z\nruns:\n  using: node20\n");

        Assert.Equal([3, 6, 7], result.Errors.Select(e => e.Line));
        Assert.NotNull(result.Manifest);
        Assert.False(result.Ok);
    }
}
