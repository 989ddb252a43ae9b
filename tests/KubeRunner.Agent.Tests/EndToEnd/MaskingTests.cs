using KubeRunner.Agent.Tests.TestSupport;
using KubeRunner.Protocol.Runner.V1;

namespace KubeRunner.Agent.Tests.EndToEnd;

public sealed class MaskingTests
{
    private const string Secret = "s3cr3t-Value-9f2";
    private const string MultiLineSecret = "first-line-of-key\nsecond-line-of-key\nthird-line-of-key";

    [Fact]
    public async Task Job_SecretsAndAddMaskValues_NeverReachTheForge()
    {
        await using var runner = await HostRunner.StartAsync();

        var task = await runner.RunAsync(
            """
            on: push
            jobs:
              masking:
                runs-on: linux
                steps:
                  - env:
                      FROM_ENV: ${{ secrets.MY_SECRET }}
                    run: |
                      echo "interpolated ${{ secrets.MY_SECRET }} end"
                      echo "from env $FROM_ENV end"
                  - run: |
                      echo "::add-mask::dyn-value-42"
                      echo "now dyn-value-42 is hidden"
                  - run: echo "later dyn-value-42 too"
                  - env:
                      KEY: ${{ secrets.MULTI }}
                    run: |
                      echo "before"
                      echo "$KEY"
                      echo "after"
            """,
            secrets: new Dictionary<string, string> { ["MY_SECRET"] = Secret, ["MULTI"] = MultiLineSecret });

        Assert.True(task.Result == Result.Success, task.Text());
        Assert.Equal(["interpolated *** end", "from env *** end"], task.StepRows(0));
        Assert.Equal(["now *** is hidden"], task.StepRows(1));
        Assert.Equal(["later *** too"], task.StepRows(2));
        var multi = task.StepRows(3);
        Assert.Equal("before", multi[0]);
        Assert.Equal("after", multi[^1]);
        Assert.All(multi[1..^1], r => Assert.Equal("***", r));
        foreach (var row in task.Rows())
        {
            Assert.DoesNotContain(Secret, row, StringComparison.Ordinal);
            Assert.DoesNotContain("dyn-value-42", row, StringComparison.Ordinal);
            Assert.DoesNotContain("add-mask", row, StringComparison.Ordinal);
            Assert.DoesNotContain("line-of-key", row, StringComparison.Ordinal);
            Assert.DoesNotContain(task.Token, row, StringComparison.Ordinal);
        }
    }
}
