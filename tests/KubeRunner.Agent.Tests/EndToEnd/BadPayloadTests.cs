using KubeRunner.Agent.Tests.TestSupport;
using KubeRunner.Protocol.Runner.V1;

namespace KubeRunner.Agent.Tests.EndToEnd;

public sealed class BadPayloadTests
{
    private const string GoodJob = """
        on: push
        jobs:
          fine:
            runs-on: linux
            steps:
              - run: echo "still working"
        """;

    public static TheoryData<string, string, string, string> Payloads { get; } = new()
    {
        { "not yaml", "on: push\njobs:\n  build: [unclosed\n    steps: {\n", "line 4", "did not find expected" },
        { "two jobs", "on: push\njobs:\n  one:\n    runs-on: linux\n    steps:\n      - run: echo one\n  two:\n    runs-on: linux\n    steps:\n      - run: echo two\n", "line 3", "exactly one job" },
        { "unknown step key", "on: push\njobs:\n  build:\n    runs-on: linux\n    steps:\n      - run: echo hi\n        bogus-key: 1\n", "line 7", "bogus-key" },
        { "incomplete expression", "on: push\njobs:\n  build:\n    runs-on: linux\n    steps:\n      - run: echo ${{ 1 + }}\n", "line 6", "'+'" },
        { "unknown function", "on: push\njobs:\n  build:\n    runs-on: linux\n    steps:\n      - run: echo ${{ foo() }}\n", "line 6", "foo" },
        { "job env expression", "on: push\njobs:\n  build:\n    runs-on: linux\n    env:\n      X: ${{ bar() }}\n    steps:\n      - run: echo hi\n", "line 3", "bar" },
        { "step condition", "on: push\njobs:\n  build:\n    runs-on: linux\n    steps:\n      - if: 1 +\n        run: echo hi\n", "line 6", "'+'" },
        { "job timeout not a number", "on: push\njobs:\n  build:\n    runs-on: linux\n    timeout-minutes: soon\n    steps:\n      - run: echo hi\n", "line 5", "soon" },
        { "timeout not a number", "on: push\njobs:\n  build:\n    runs-on: linux\n    steps:\n      - run: echo hi\n        timeout-minutes: soon\n", "line 7", "soon" },
    };

    [Theory]
    [MemberData(nameof(Payloads))]
    public async Task Job_BadPayload_FailsNamingLineAndAgentRunsNextJob(string problem, string payload, string line, string detail)
    {
        await using var runner = await HostRunner.StartAsync();

        var task = await runner.RunAsIsAsync(payload);

        Assert.True(task.Result == Result.Failure, $"{problem}:\n{task.Text()}");
        Assert.True(
            task.Rows().Exists(r => r.Contains(line, StringComparison.Ordinal) && r.Contains(detail, StringComparison.Ordinal)),
            $"{problem}: no row names {line} and {detail}:\n{task.Text()}");
        Assert.DoesNotContain(task.Rows(), r => r is "hi" or "one" or "two");
        var next = await runner.RunAsync(GoodJob);
        Assert.True(next.Result == Result.Success, next.Text());
        Assert.Contains("still working", next.Rows());
    }
}
