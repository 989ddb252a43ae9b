using KubeRunner.Agent.Tests.TestSupport;
using KubeRunner.Protocol.Runner.V1;

namespace KubeRunner.Agent.Tests.EndToEnd;

public sealed class ShellTests
{
    [Fact]
    public async Task Job_EveryInstalledShell_RunsEachScript()
    {
        await using var runner = await HostRunner.StartAsync();

        var task = await runner.RunAsync("""
            on: push
            jobs:
              shells:
                runs-on: linux
                steps:
                  - run: echo "default bash=${BASH_VERSION:+yes} $(shopt -o pipefail)"
                  - shell: bash
                    run: echo "bash=${BASH_VERSION:+yes} ext=${0##*.}"
                  - shell: sh
                    run: |
                      case $- in *e*) echo "sh errexit";; esac
                  - shell: python
                    run: |
                      import sys
                      print("python", sys.version_info[0], __file__.endswith(".py"))
                  - shell: node
                    run: console.log("node " + process.version.split(".")[0].slice(0, 1) + " " + __filename.endsWith(".js"))
                  - shell: bash -c "source {0}"
                    run: echo "custom sourced=${BASH_SOURCE[0]##*.}"
            """);

        Assert.True(task.Result == Result.Success, task.Text());
        Assert.All(task.Steps, s => Assert.Equal(Result.Success, s.Result));
        Assert.Matches(@"^default bash=yes pipefail\s+on$", Assert.Single(task.StepRows(0)));
        Assert.Equal(["bash=yes ext=sh"], task.StepRows(1));
        Assert.Equal(["sh errexit"], task.StepRows(2));
        Assert.Equal(["python 3 True"], task.StepRows(3));
        Assert.Equal(["node v true"], task.StepRows(4));
        Assert.Equal(["custom sourced=sh"], task.StepRows(5));
    }

    [Fact]
    public async Task Job_DefaultsRunShellCustomTemplate_RunsStepsWithoutShellThroughIt()
    {
        await using var runner = await HostRunner.StartAsync();

        var task = await runner.RunAsync("""
            on: push
            defaults:
              run:
                shell: python3 {0}
            jobs:
              custom:
                runs-on: linux
                steps:
                  - run: print("from python3", 6 * 7)
                  - shell: bash
                    run: echo "still bash"
                  - run: |
                      import sys
                      sys.exit(3)
            """);

        Assert.True(task.Result == Result.Failure, task.Text());
        Assert.Equal([Result.Success, Result.Success, Result.Failure], task.Steps.Select(s => s.Result));
        Assert.Equal(["from python3 42"], task.StepRows(0));
        Assert.Equal(["still bash"], task.StepRows(1));
        Assert.Contains(task.StepRows(2), r => r.Contains("exit code 3", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Job_ShellFailsWithinPipeline_StepFailsUnderBashPipefail()
    {
        await using var runner = await HostRunner.StartAsync();

        var task = await runner.RunAsync("""
            on: push
            jobs:
              pipefail:
                runs-on: linux
                steps:
                  - run: |
                      false | cat
                      echo not reached
            """);

        Assert.True(task.Result == Result.Failure, task.Text());
        Assert.DoesNotContain("not reached", task.Rows());
    }
}
