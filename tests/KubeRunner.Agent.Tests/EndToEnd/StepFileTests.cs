using KubeRunner.Agent.Tests.TestSupport;
using KubeRunner.Protocol.Runner.V1;

namespace KubeRunner.Agent.Tests.EndToEnd;

public sealed class StepFileTests
{
    [Fact]
    public async Task Job_StepOutputs_ReachLaterStepsAndJobOutputsReachForge()
    {
        await using var runner = await HostRunner.StartAsync();

        var task = await runner.RunAsync("""
            on: push
            jobs:
              outputs:
                runs-on: linux
                outputs:
                  single: ${{ steps.produce.outputs.single }}
                  multi: ${{ steps.produce.outputs.multi }}
                  legacy: ${{ steps.produce.outputs.legacy }}
                steps:
                  - id: produce
                    run: |
                      echo "single=one" >> "$GITHUB_OUTPUT"
                      {
                        echo "multi<<END_OF_VALUE"
                        echo "line 1"
                        echo "line 2"
                        echo "END_OF_VALUE"
                      } >> "$GITHUB_OUTPUT"
                      echo "::set-output name=legacy::old style"
                      echo "after commands"
                  - env:
                      MULTI: ${{ steps.produce.outputs.multi }}
                    run: |
                      echo "single=${{ steps.produce.outputs.single }} legacy=${{ steps.produce.outputs.legacy }}"
                      echo "multi=${MULTI//$'\n'/+}"
            """);

        Assert.True(task.Result == Result.Success, task.Text());
        Assert.Equal(["after commands"], task.StepRows(0));
        Assert.Equal(["single=one legacy=old style", "multi=line 1+line 2"], task.StepRows(1));
        Assert.Equal("one", task.Outputs["single"]);
        Assert.Equal("line 1\nline 2", task.Outputs["multi"]);
        Assert.Equal("old style", task.Outputs["legacy"]);
    }

    [Fact]
    public async Task Job_GithubPathStateAndSummary_AreAppliedIgnoredAndShown()
    {
        await using var runner = await HostRunner.StartAsync();

        var task = await runner.RunAsync("""
            on: push
            jobs:
              files:
                runs-on: linux
                steps:
                  - run: |
                      mkdir -p tools
                      printf '#!/bin/sh\necho "my-tool says $1"\n' > tools/my-tool
                      chmod +x tools/my-tool
                      echo "$PWD/tools" >> "$GITHUB_PATH"
                  - run: my-tool hello
                  - run: |
                      echo "saved=1" >> "$GITHUB_STATE"
                      echo "::save-state name=other::2"
                      echo "state written"
                  - name: report
                    run: |
                      echo "# Report" >> "$GITHUB_STEP_SUMMARY"
                      echo "all good" >> "$GITHUB_STEP_SUMMARY"
                  - run: echo "PATH still has tools:$(command -v my-tool)"
            """);

        Assert.True(task.Result == Result.Success, task.Text());
        Assert.All(task.Steps, s => Assert.Equal(Result.Success, s.Result));
        Assert.Equal(["my-tool says hello"], task.StepRows(1));
        Assert.Equal(["state written"], task.StepRows(2));
        var summary = task.StepRows(3);
        Assert.Contains("# Report", summary);
        Assert.Contains("all good", summary);
        Assert.EndsWith("/owner/repo/tools/my-tool", Assert.Single(task.StepRows(4)), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Step_GithubEnvHeredocWithoutDelimiter_FailsWithMessage()
    {
        await using var runner = await HostRunner.StartAsync();

        var task = await runner.RunAsync("""
            on: push
            jobs:
              broken:
                runs-on: linux
                steps:
                  - run: |
                      echo "VALUE<<NEVER_CLOSED" >> "$GITHUB_ENV"
                      echo "some text" >> "$GITHUB_ENV"
                  - run: echo "not run"
            """);

        Assert.True(task.Result == Result.Failure, task.Text());
        Assert.Equal([Result.Failure, Result.Skipped], task.Steps.Select(s => s.Result));
        Assert.Contains(task.StepRows(0), r => r.Contains("NEVER_CLOSED", StringComparison.Ordinal) && r.Contains("VALUE", StringComparison.Ordinal));
        Assert.DoesNotContain("not run", task.Rows());
    }
}
