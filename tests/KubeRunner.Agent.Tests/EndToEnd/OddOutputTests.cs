using KubeRunner.Agent.Tests.TestSupport;
using KubeRunner.Protocol.Runner.V1;

namespace KubeRunner.Agent.Tests.EndToEnd;

public sealed class OddOutputTests
{
    [Fact]
    public async Task Job_InvalidUtf8NulAndHugeLine_SucceedsWithLaterRowsIntact()
    {
        await using var runner = await HostRunner.StartAsync();

        var task = await runner.RunAsync("""
            on: push
            jobs:
              odd:
                runs-on: linux
                steps:
                  - run: |
                      printf 'bad \xff\xfe bytes\n'
                      printf 'nul \000 byte\n'
                      head -c 10000000 /dev/zero | tr '\0' a; echo
                      echo "after the huge line"
                  - run: echo "next step intact"
            """);

        Assert.True(task.Result == Result.Success, task.Text()[..Math.Min(2000, task.Text().Length)]);
        Assert.Equal([Result.Success, Result.Success], task.Steps.Select(s => s.Result));
        var rows = task.StepRows(0);
        Assert.StartsWith("bad ", rows[0], StringComparison.Ordinal);
        Assert.EndsWith(" bytes", rows[0], StringComparison.Ordinal);
        Assert.StartsWith("nul ", rows[1], StringComparison.Ordinal);
        Assert.EndsWith(" byte", rows[1], StringComparison.Ordinal);
        Assert.Equal("after the huge line", rows[^1]);
        Assert.True(rows.Skip(2).Take(rows.Count - 3).All(r => r.Length > 0 && r.All(c => c == 'a')), "the huge line holds only 'a'");
        Assert.Equal(["next step intact"], task.StepRows(1));
        Assert.DoesNotContain(task.Rows(), r => r.Contains('\0', StringComparison.Ordinal));
    }
}
