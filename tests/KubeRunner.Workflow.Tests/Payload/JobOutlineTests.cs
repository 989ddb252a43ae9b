using KubeRunner.Workflow.Payload;

namespace KubeRunner.Workflow.Tests.Payload;

public sealed class JobOutlineTests
{
    [Fact]
    public void Parse_SingleJobPayload_ReadsJobRunsOnAndSteps()
    {
        const string payload = """
            name: build
            on: push
            jobs:
              tiles:
                name: build tiles (a, 1)
                runs-on: heavy
                steps:
                  - uses: actions/checkout@v4
                  - name: Build
                    run: make
                  - run: echo done
            """;

        var job = JobOutline.Parse(payload);

        Assert.Equal("tiles", job.JobId);
        Assert.Equal("build tiles (a, 1)", job.Name);
        Assert.Equal(["heavy"], job.RunsOn);
        Assert.Equal(["actions/checkout@v4", "Build", "echo done"], job.StepNames);
    }

    [Theory]
    [InlineData("runs-on: [self-hosted, heavy]", new[] { "self-hosted", "heavy" })]
    [InlineData("runs-on: {group: g, labels: [a, b]}", new[] { "a", "b" })]
    [InlineData("runs-on: {group: g, labels: c}", new[] { "c" })]
    [InlineData("steps: []", new string[0])]
    public void Parse_RunsOnForms(string line, string[] expected)
    {
        var job = JobOutline.Parse($"jobs:\n  j:\n    {line}\n");

        Assert.Equal(expected, job.RunsOn);
    }

    [Theory]
    [InlineData("jobs: [", "line 2: While parsing a node")]
    [InlineData("- a list", "not a YAML mapping")]
    [InlineData("on: push", "no 'jobs' mapping")]
    [InlineData("jobs:\n  a: {runs-on: x}\n  b: {runs-on: y}", "exactly one job, this payload has 2")]
    [InlineData("jobs:\n  a: text", "job 'a' is not a mapping")]
    public void Parse_NotASingleJobWorkflow_ThrowsWithReason(string payload, string reason)
    {
        var error = Assert.Throws<WorkflowPayloadException>(() => JobOutline.Parse(payload));

        Assert.Contains(reason, error.Message, StringComparison.Ordinal);
    }
}
