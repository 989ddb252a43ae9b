using KubeRunner.Workflow.Model;

namespace KubeRunner.Workflow.Tests.Model;

public sealed class WorkflowParserRobustnessTests
{
    [Theory]
    [InlineData("jobs: *missing\n")]
    [InlineData("jobs:\n\tj: x\n")]
    [InlineData("? [a, b]\n: c\njobs: {}\n")]
    [InlineData("jobs:\n  ? [j]\n  : {runs-on: x}\n")]
    [InlineData("jobs:\n  j:\n    <<: {runs-on: x}\n    steps: [[]]\n")]
    [InlineData("jobs:\n  j:\n    runs-on: [[a], {b: c}]\n    services: [db]\n    container: [a]\n    steps: [{run: [a]}, {env: {? [k] : v}, run: x}]\n")]
    [InlineData("jobs:\n  j:\n    runs-on: {group: [g], labels: {a: b}}\n    strategy: x\n    defaults: {run: x}\n    steps: [run: x]\n")]
    [InlineData("%YAML 1.2\n---\njobs: {}\n...\n---\nx: 1\n")]
    [InlineData("jobs: !!binary aGVsbG8=\n")]
    [InlineData("\"unterminated\n")]
    [InlineData("jobs:\n  j:\n    runs-on: x\n    timeout-minutes: |\n      one\n      two\n    steps: [run: x]\n")]
    public void Parse_OddInput_ReportsErrorsWithoutThrowing(string yaml)
    {
        var result = WorkflowParser.Parse(yaml);

        Assert.False(result.Ok);
        Assert.NotEmpty(result.Errors);
        Assert.All(result.Errors, e => Assert.True(e.Line >= 1, e.ToString()));
        Assert.All(result.Errors, e => Assert.DoesNotContain('\n', e.Message));
    }
}
