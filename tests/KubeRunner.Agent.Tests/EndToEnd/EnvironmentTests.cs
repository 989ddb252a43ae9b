using KubeRunner.Agent.Tests.TestSupport;
using KubeRunner.Protocol.Runner.V1;

namespace KubeRunner.Agent.Tests.EndToEnd;

public sealed class EnvironmentTests
{
    [Fact]
    public async Task Step_SameNameAtEveryLevel_FollowsForgejoRunnerPrecedence()
    {
        await using var runner = await HostRunner.StartAsync(runnerConfig: "  envs:\n    C: runner\n    D: runner\n    E: runner\n");

        var task = await runner.RunAsync("""
            on: push
            env:
              A: workflow
              B: workflow
              C: workflow
              D: workflow
              E: workflow
            jobs:
              env:
                runs-on: linux
                env:
                  B: job
                  C: job
                  D: job
                  E: job
                steps:
                  - run: |
                      echo "before A=$A B=$B C=$C D=$D E=$E"
                      echo "D=from-github-env" >> "$GITHUB_ENV"
                      echo "E=from-github-env" >> "$GITHUB_ENV"
                  - env:
                      E: step
                      F: ${{ env.D }}
                    run: echo "after A=$A B=$B C=$C D=$D E=$E F=$F"
            """);

        Assert.True(task.Result == Result.Success, task.Text());
        Assert.Equal(["before A=workflow B=job C=runner D=runner E=runner"], task.StepRows(0));
        Assert.Equal(["after A=workflow B=job C=runner D=from-github-env E=step F=from-github-env"], task.StepRows(1));
    }

    [Fact]
    public async Task Step_ForcedVariables_HaveGithubAndForgejoTwinsAndWorkspaceIsOwnerRepo()
    {
        await using var runner = await HostRunner.StartAsync();

        var task = await runner.RunAsync("""
            on: push
            jobs:
              forced:
                runs-on: linux
                steps:
                  - run: |
                      for name in WORKSPACE REPOSITORY REPOSITORY_OWNER RUN_ID SHA REF REF_NAME EVENT_NAME EVENT_PATH ACTOR SERVER_URL API_URL JOB OUTPUT ENV PATH STATE STEP_SUMMARY ACTIONS; do
                        g=GITHUB_$name f=FORGEJO_$name
                        if [ -z "${!g}" ] || [ "${!g}" != "${!f-unset}" ]; then echo "twin mismatch $name: '${!g}' '${!f-unset}'"; fi
                      done
                      echo "CI=$CI repository=$GITHUB_REPOSITORY owner=$GITHUB_REPOSITORY_OWNER sha=$GITHUB_SHA ref=$GITHUB_REF job=$GITHUB_JOB"
                      echo "workspace=$GITHUB_WORKSPACE"
                      echo "pwd=$PWD"
                      echo "expression=${{ github.workspace }}"
            """);

        Assert.True(task.Result == Result.Success, task.Text());
        var rows = task.StepRows(0);
        Assert.DoesNotContain(rows, r => r.StartsWith("twin mismatch", StringComparison.Ordinal));
        Assert.Equal("CI=true repository=owner/repo owner=owner sha=0123456789abcdef0123456789abcdef01234567 ref=refs/heads/main job=forced", rows[0]);
        var workspace = rows[1]["workspace=".Length..];
        Assert.EndsWith("/owner/repo", workspace, StringComparison.Ordinal);
        Assert.True(Path.IsPathRooted(workspace), workspace);
        Assert.Equal("pwd=" + workspace, rows[2]);
        Assert.Equal("expression=" + workspace, rows[3]);
    }

    [Fact]
    public async Task Step_WorkingDirectory_IsRelativeToWorkspaceAndDefaultsRunApplies()
    {
        await using var runner = await HostRunner.StartAsync();

        var task = await runner.RunAsync("""
            on: push
            jobs:
              directories:
                runs-on: linux
                defaults:
                  run:
                    working-directory: sub
                steps:
                  - working-directory: .
                    run: mkdir -p sub/dir && echo "$PWD"
                  - run: echo "$PWD"
                  - working-directory: sub/dir
                    run: echo "$PWD"
                  - working-directory: missing
                    run: echo never
            """);

        Assert.True(task.Result == Result.Failure, task.Text());
        Assert.Equal([Result.Success, Result.Success, Result.Success, Result.Failure], task.Steps.Select(s => s.Result));
        var workspace = Assert.Single(task.StepRows(0));
        Assert.EndsWith("/owner/repo", workspace, StringComparison.Ordinal);
        Assert.Equal([workspace + "/sub"], task.StepRows(1));
        Assert.Equal([workspace + "/sub/dir"], task.StepRows(2));
        Assert.Contains(task.StepRows(3), r => r.Contains("does not exist", StringComparison.Ordinal));
        Assert.DoesNotContain("never", task.Rows());
    }
}
