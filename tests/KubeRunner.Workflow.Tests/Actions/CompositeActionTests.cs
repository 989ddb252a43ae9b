using KubeRunner.Workflow.Actions;
using KubeRunner.Workflow.Model;

namespace KubeRunner.Workflow.Tests.Actions;

public sealed class CompositeActionTests
{
    private const string SetupAndTest = """
        name: Setup and test
        description: Installs Go and runs the tests with coverage
        inputs:
          go-version:
            description: Go version
            required: false
            default: '1.22'
        outputs:
          coverage:
            description: Coverage in percent
            value: ${{ steps.test.outputs.coverage }}
        runs:
          using: Composite
          steps:
            - uses: actions/setup-go@v5
              with:
                go-version: ${{ inputs.go-version }}
                cache: false
            - name: Test
              id: test
              shell: bash
              working-directory: ${{ github.action_path }}
              env:
                GOFLAGS: -mod=readonly
              run: |
                go test ./... -coverprofile=c.out
                echo "coverage=$(go tool cover -func=c.out | tail -1)" >> "$FORGEJO_OUTPUT"
            - if: failure()
              continue-on-error: true
              run: echo tests failed
              shell: sh
            - uses: ./.forgejo/actions/report
        """;

    private static ActionManifest Parse(string yaml) => ParsedManifest.Of(yaml);

    [Fact]
    public void Parse_Composite_NormalisesUsingAndKeepsOutputValue()
    {
        var manifest = Parse(SetupAndTest);

        Assert.Equal("composite", manifest.Runs.Using);
        Assert.False(manifest.Runs.IsNode);
        Assert.Equal(new ActionOutput("Coverage in percent", "${{ steps.test.outputs.coverage }}"), Assert.Single(manifest.Outputs).Value);
        Assert.Equal("1.22", Assert.Single(manifest.Inputs).Value.Default);
    }

    [Fact]
    public void Parse_Composite_StepsNumberedFromZeroWithIndexAsIdWhenNoneGiven()
    {
        var steps = Parse(SetupAndTest).Runs.Steps;

        Assert.Equal([0, 1, 2, 3], steps.Select(s => s.Index));
        Assert.Equal(["0", "test", "2", "3"], steps.Select(s => s.EffectiveId));
        Assert.Equal([15, 19, 28, 32], steps.Select(s => s.Line));
    }

    [Fact]
    public void Parse_Composite_StepsAreOrdinaryStepDefinitions()
    {
        var steps = Parse(SetupAndTest).Runs.Steps;

        Assert.Equal("actions/setup-go@v5", steps[0].Uses);
        Assert.Equal([new("go-version", "${{ inputs.go-version }}"), new("cache", "false")], steps[0].With);
        Assert.Equal(("Test", "bash", "${{ github.action_path }}"), (steps[1].Name, steps[1].Shell, steps[1].WorkingDirectory));
        Assert.Equal([new("GOFLAGS", "-mod=readonly")], steps[1].Env);
        Assert.StartsWith("go test ./... -coverprofile=c.out\n", steps[1].Run, StringComparison.Ordinal);
        Assert.Equal(("failure()", "true", "echo tests failed"), (steps[2].If, steps[2].ContinueOnError, steps[2].Run));
        Assert.Equal("./.forgejo/actions/report", steps[3].DisplayName);
    }

    [Fact]
    public void Parse_CompositeWithEmptySteps_IsAnActionThatDoesNothing()
    {
        Assert.Empty(Parse("runs:\n  using: composite\n  steps: []\n").Runs.Steps);
    }

    [Theory]
    [InlineData("    - run: a\n      uses: b/c@v1\n", 4, 7, "step 1 of the composite action has both 'run' and 'uses', a step must have exactly one of them")]
    [InlineData("    - name: nothing\n", 4, 7, "step 1 of the composite action has neither 'run' nor 'uses', a step must have exactly one of them")]
    [InlineData("    - run: a\n      timeout-minutes: 5\n", 5, 7, "unknown key 'timeout-minutes' in step 1 of the composite action")]
    [InlineData("    - run: a\n      with:\n        x: y\n", 5, 7, "key 'with' cannot be used in a 'run' step, in step 1 of the composite action")]
    [InlineData("    - uses: b/c@v1\n      shell: bash\n", 5, 7, "key 'shell' cannot be used in a 'uses' step, in step 1 of the composite action")]
    [InlineData("    - id: a\n      run: x\n    - id: a\n      run: y\n", 6, 11, "step id 'a' of step 2 of the composite action is already used by step 1")]
    [InlineData("    - just text\n", 4, 7, "step 1 of the composite action must be a mapping, got 'just text'")]
    public void Parse_BadCompositeStep_ReportedAtItsLine(string steps, int line, int column, string message)
    {
        var result = ActionManifestParser.Parse($"runs:\n  using: composite\n  steps:\n{steps}");

        Assert.False(result.Ok);
        Assert.Equal(new WorkflowError(line, column, message), Assert.Single(result.Errors));
        Assert.NotNull(result.Manifest);
    }

    [Fact]
    public void Parse_CompositeStepsNotAList_Reported()
    {
        var result = ActionManifestParser.Parse("runs:\n  using: composite\n  steps: echo hi\n");

        Assert.Equal(new WorkflowError(3, 10, "steps of the composite action must be a list, got 'echo hi'"), Assert.Single(result.Errors));
    }
}
