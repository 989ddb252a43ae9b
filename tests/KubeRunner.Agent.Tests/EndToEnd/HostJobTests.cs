using KubeRunner.Agent.Tests.TestSupport;
using KubeRunner.Protocol.Runner.V1;

namespace KubeRunner.Agent.Tests.EndToEnd;

public sealed class HostJobTests
{
    [Fact]
    public async Task Job_TwoRunSteps_SucceedsWithOutputInStepRanges()
    {
        await using var runner = await HostRunner.StartAsync();

        var task = await runner.RunAsync("""
            on: push
            jobs:
              build:
                runs-on: linux
                steps:
                  - run: echo hello from step one
                  - name: second
                    run: |
                      echo "a=1" >> "$GITHUB_OUTPUT"
                      echo done two
            """);

        var rows = task.LogRows.Select(r => r.Content).ToList();
        Assert.True(task.Result == Result.Success, string.Join("\n", rows));
        Assert.Equal([Result.Success, Result.Success], task.Steps.Select(s => s.Result));
        var first = task.Steps[0];
        Assert.Equal("hello from step one", rows[(int)first.LogIndex]);
        Assert.Equal(1, first.LogLength);
        Assert.Equal("done two", rows[(int)task.Steps[1].LogIndex]);
    }
}
