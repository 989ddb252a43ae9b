using KubeRunner.Workflow.Model;

namespace KubeRunner.Workflow.Tests.Model;

public sealed class WorkflowParserErrorTests
{
    private static WorkflowError SingleError(string yaml)
    {
        var result = WorkflowParser.Parse(yaml);
        Assert.False(result.Ok);
        return Assert.Single(result.Errors);
    }

    [Fact]
    public void Parse_YamlSyntaxError_ReportsLineAndNoWorkflow()
    {
        var result = WorkflowParser.Parse("on: push\njobs:\n  j: [\n");

        Assert.Null(result.Workflow);
        var error = Assert.Single(result.Errors);
        Assert.Equal(4, error.Line);
        Assert.StartsWith("the workflow is not valid YAML: ", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Parse_DuplicateKey_IsSyntaxErrorAtSecondKey()
    {
        var result = WorkflowParser.Parse("jobs:\n  j:\n    runs-on: x\n    runs-on: y\n    steps: [run: x]\n");

        Assert.Null(result.Workflow);
        Assert.Equal(4, Assert.Single(result.Errors).Line);
    }

    [Theory]
    [InlineData("- a\n- b\n", "the workflow must be a mapping, got a list")]
    [InlineData("just text\n", "the workflow must be a mapping, got 'just text'")]
    public void Parse_NotAMapping_ReportsError(string yaml, string message)
    {
        var result = WorkflowParser.Parse(yaml);

        Assert.Null(result.Workflow);
        Assert.Equal(new WorkflowError(1, 1, message), Assert.Single(result.Errors));
    }

    [Fact]
    public void Parse_Empty_ReportsEmptyWorkflow()
    {
        var result = WorkflowParser.Parse("");

        Assert.Null(result.Workflow);
        Assert.Equal("the workflow is empty", Assert.Single(result.Errors).Message);
    }

    [Fact]
    public void Parse_NoJobs_ReportsAtRoot()
    {
        var error = SingleError("name: x\non: push\n");

        Assert.Equal(new WorkflowError(1, 1, "the workflow has no 'jobs'"), error);
    }

    [Theory]
    [InlineData("jobs: []\n", "'jobs' must be a mapping of job ids to jobs, got a list")]
    [InlineData("jobs: {}\n", "the workflow has no jobs")]
    public void Parse_JobsWrongShape_Reported(string yaml, string message)
    {
        var error = SingleError(yaml);

        Assert.Equal(1, error.Line);
        Assert.Equal(message, error.Message);
    }

    [Fact]
    public void Parse_UnknownWorkflowKey_ReportedAtKey()
    {
        var error = SingleError("on: push\nsteps: []\njobs:\n  j:\n    runs-on: x\n    steps: [run: x]\n");

        Assert.Equal(new WorkflowError(2, 1, "unknown key 'steps' in the workflow"), error);
    }

    [Fact]
    public void Parse_UnknownJobKey_ReportedAtKey()
    {
        var error = SingleError("jobs:\n  build:\n    runs-on: x\n    run: make\n    steps: [run: x]\n");

        Assert.Equal(new WorkflowError(4, 5, "unknown key 'run' in job 'build'"), error);
    }

    [Fact]
    public void Parse_UnknownStepKey_NamesStepAndJob()
    {
        var error = SingleError("jobs:\n  build:\n    runs-on: x\n    steps:\n      - run: a\n      - run: b\n        foo: 1\n");

        Assert.Equal(new WorkflowError(7, 9, "unknown key 'foo' in step 2 of job 'build'"), error);
    }

    [Theory]
    [InlineData("container:\n      image: a\n      entrypoint: sh", 6, "unknown key 'entrypoint' in the container of job 'j'")]
    [InlineData("services:\n      db:\n        img: a", 6, "unknown key 'img' in service 'db' of job 'j'")]
    [InlineData("defaults:\n      shell: bash", 5, "unknown key 'shell' in defaults of job 'j'")]
    [InlineData("defaults:\n      run:\n        sh: bash", 6, "unknown key 'sh' in defaults.run of job 'j'")]
    [InlineData("strategy:\n      matrix: {}\n      parallel: 2", 6, "unknown key 'parallel' in strategy of job 'j'")]
    [InlineData("container:\n      image: a\n      credentials: {user: u}", 6, "unknown key 'user' in credentials of the container of job 'j'")]
    public void Parse_UnknownNestedKey_ReportedWithPlace(string setting, int line, string message)
    {
        var error = SingleError($"jobs:\n  j:\n    runs-on: x\n    {setting}\n    steps: [run: x]\n");

        Assert.Equal(line, error.Line);
        Assert.Equal(message, error.Message);
    }

    [Fact]
    public void Parse_UnknownWorkflowDefaultsRunKey_Reported()
    {
        var error = SingleError("defaults:\n  run:\n    shel: bash\njobs:\n  j:\n    runs-on: x\n    steps: [run: x]\n");

        Assert.Equal(new WorkflowError(3, 5, "unknown key 'shel' in defaults.run of the workflow"), error);
    }

    [Theory]
    [InlineData("- name: both\n        run: a\n        uses: b", "step 1 of job 'j' has both 'run' and 'uses', a step must have exactly one of them")]
    [InlineData("- name: neither", "step 1 of job 'j' has neither 'run' nor 'uses', a step must have exactly one of them")]
    public void Parse_StepRunUsesRule_ReportedAtStep(string step, string message)
    {
        var error = SingleError($"jobs:\n  j:\n    runs-on: x\n    steps:\n      {step}\n");

        Assert.Equal(new WorkflowError(5, 9, message), error);
    }

    [Theory]
    [InlineData("env: [A=1]", 4, "env of job 'j' must be a mapping, got a list")]
    [InlineData("name: [a]", 4, "the name of job 'j' must be a string, got a list")]
    [InlineData("needs: {a: b}", 4, "needs of job 'j' must be a string or a list of strings, got a mapping")]
    [InlineData("outputs: out", 4, "outputs of job 'j' must be a mapping, got 'out'")]
    [InlineData("strategy:\n      matrix: [a]", 5, "strategy.matrix of job 'j' must be a mapping or an expression, got a list")]
    [InlineData("env:\n      A: {b: c}", 5, "'A' in env of job 'j' must be a string, got a mapping")]
    [InlineData("continue-on-error: maybe", 4, "continue-on-error must be true, false or an expression, got 'maybe', in job 'j'")]
    [InlineData("strategy:\n      max-parallel: many", 5, "strategy.max-parallel must be a number or an expression, got 'many', in job 'j'")]
    public void Parse_WrongNodeType_ReportedAtValue(string setting, int line, string message)
    {
        var error = SingleError($"jobs:\n  j:\n    runs-on: x\n    {setting}\n    steps: [run: x]\n");

        Assert.Equal(line, error.Line);
        Assert.Equal(message, error.Message);
    }

    [Fact]
    public void Parse_StepsNotAList_Reported()
    {
        var error = SingleError("jobs:\n  j:\n    runs-on: x\n    steps: {run: x}\n");

        Assert.Equal(new WorkflowError(4, 12, "steps of job 'j' must be a list, got a mapping"), error);
    }

    [Fact]
    public void Parse_StepNotAMapping_Reported()
    {
        var error = SingleError("jobs:\n  j:\n    runs-on: x\n    steps:\n      - echo hi\n");

        Assert.Equal(new WorkflowError(5, 9, "step 1 of job 'j' must be a mapping, got 'echo hi'"), error);
    }

    [Theory]
    [InlineData("timeout-minutes: soon\n    steps: [run: x]", 4, "timeout-minutes must be a number of minutes or an expression, got 'soon', in job 'j'")]
    [InlineData("steps:\n      - run: x\n        timeout-minutes: soon", 6, "timeout-minutes must be a number of minutes or an expression, got 'soon', in step 1 of job 'j'")]
    public void Parse_TimeoutNotNumber_Reported(string setting, int line, string message)
    {
        var error = SingleError($"jobs:\n  j:\n    runs-on: x\n    {setting}\n");

        Assert.Equal(line, error.Line);
        Assert.Equal(message, error.Message);
    }

    [Theory]
    [InlineData("30")]
    [InlineData("1.5")]
    [InlineData("'10'")]
    [InlineData("${{ matrix.timeout }}")]
    public void Parse_TimeoutNumberOrExpression_Accepted(string value)
    {
        var result = WorkflowParser.Parse($"jobs:\n  j:\n    runs-on: x\n    timeout-minutes: {value}\n    steps: [run: x]\n");

        Assert.True(result.Ok, string.Join("\n", result.Errors));
    }

    [Fact]
    public void Parse_DuplicateStepId_ReportedAtSecondId()
    {
        var error = SingleError("jobs:\n  j:\n    runs-on: x\n    steps:\n      - id: a\n        run: x\n      - id: a\n        run: y\n");

        Assert.Equal(new WorkflowError(7, 13, "step id 'a' of step 2 of job 'j' is already used by step 1"), error);
    }

    [Theory]
    [InlineData("jobs:\n  j:\n    runs-on: x\n", 2, 3, "job 'j' has no steps")]
    [InlineData("jobs:\n  j:\n    runs-on: x\n    steps: []\n", 4, 12, "job 'j' has no steps")]
    [InlineData("jobs:\n  j:\n    steps: [run: x]\n", 2, 3, "job 'j' has no 'runs-on'")]
    [InlineData("jobs:\n  j:\n    uses: ./w.yml\n    steps: [run: x]\n", 4, 12, "job 'j' calls a reusable workflow with 'uses' and cannot also have 'steps'")]
    [InlineData("jobs:\n  j: text\n", 2, 6, "job 'j' must be a mapping, got 'text'")]
    [InlineData("jobs:\n  1st:\n    runs-on: x\n    steps: [run: x]\n", 2, 3, "job id '1st' is invalid: it must start with a letter or '_' and contain only letters, digits, '-' or '_'")]
    public void Parse_JobShape_Reported(string yaml, int line, int column, string message)
    {
        Assert.Equal(new WorkflowError(line, column, message), SingleError(yaml));
    }

    [Fact]
    public void Parse_SeveralProblems_CollectsAllInDocumentOrder()
    {
        var result = WorkflowParser.Parse("""
            bogus: 1
            jobs:
              build:
                runs-on: x
                timeout-minutes: soon
                steps:
                  - run: a
                    uses: b
                  - nme: typo
                    run: c
              test:
                runs-on: x
            """);

        Assert.NotNull(result.Workflow);
        Assert.False(result.Ok);
        Assert.Equal([1, 5, 7, 9, 11], result.Errors.Select(e => e.Line));
        Assert.Equal("line 9: unknown key 'nme' in step 2 of job 'build'", result.Errors[3].ToString());
    }

    [Theory]
    [InlineData("jobs:\n  a: {runs-on: x, steps: [run: x]}\n  b: {runs-on: y, steps: [run: y]}\n", 2, 3, "a task carries exactly one job, this payload has 2")]
    [InlineData("jobs: {}\n", 1, 7, "a task carries exactly one job, this payload has 0")]
    public void ParseSingleJob_NotOneJob_Reported(string payload, int line, int column, string message)
    {
        var result = WorkflowParser.ParseSingleJob(payload);

        Assert.Equal(new WorkflowError(line, column, message), Assert.Single(result.Errors));
    }

    [Fact]
    public void Parse_TwoJobs_AcceptedWhenNotSingle()
    {
        var result = WorkflowParser.Parse("jobs:\n  a: {runs-on: x, steps: [run: x]}\n  b: {runs-on: y, steps: [run: y]}\n");

        Assert.True(result.Ok, string.Join("\n", result.Errors));
    }

    [Fact]
    public void WorkflowError_ToString_GivesLineAndMessage()
    {
        Assert.Equal("line 3: oops", new WorkflowError(3, 7, "oops").ToString());
    }
}
