using KubeRunner.Agent.Tests.TestSupport;
using KubeRunner.Protocol.Runner.V1;
using KubeRunner.Testing;
using KubeRunner.Testing.Docker;
using KubeRunner.Testing.FakeForge;
using KubeRunner.Testing.Git;

namespace KubeRunner.Agent.Tests.EndToEnd.Docker;

/// <summary>
/// Docker actions on the Docker backend: containers next to the job container, in its network
/// namespace and with its workspace and step files, built or pulled by the agent.
/// </summary>
public sealed class DockerActionTests
{
    [Fact]
    public async Task ImageStep_ArgsAndEntrypoint_RunsInTheWorkspaceAndWritesAnOutputALaterStepReads()
    {
        var image = await TestImages.EnsureAsync(TestImage.Busybox);
        var runner = await DockerRunner.StartAsync(TestImage.Busybox);
        FakeTaskResult result;
        await using (runner)
        {
            var task = await runner.RunAsync($$$"""
                on: push
                jobs:
                  build:
                    runs-on: linux
                    defaults:
                      run:
                        shell: sh
                    steps:
                      - run: echo "from the job" > job.txt
                      - id: img
                        uses: docker://{{{image}}}
                        env:
                          SECRET_VALUE: ${{ secrets.MY_SECRET }}
                        with:
                          entrypoint: sh
                          args: -c 'echo in $GITHUB_WORKSPACE at $(pwd) secret $SECRET_VALUE saw $(cat job.txt); echo greeting=hello-from-image >> $GITHUB_OUTPUT'
                      - uses: docker://{{{image}}}
                        continue-on-error: true
                        with:
                          entrypoint: sh
                          args: -c 'exit 3'
                      - run: echo "output=${{ steps.img.outputs.greeting }}"
                """, new Dictionary<string, string> { ["MY_SECRET"] = "s3cr3t-value" });
            result = new FakeTaskResult(task, runner.Explain(task));
        }

        var (done, explain) = result;
        Assert.True(done.Result == Result.Success, explain);
        Assert.Contains("in /workspace/owner/repo at /workspace/owner/repo secret *** saw from the job", done.StepRows(1));
        Assert.DoesNotContain("s3cr3t-value", done.Text(), StringComparison.Ordinal);
        Assert.Equal(Result.Failure, done.Steps[2].Result);
        Assert.Contains("⚙️ [runner]: Process completed with exit code 3.", done.StepRows(2));
        Assert.Equal(["output=hello-from-image"], done.StepRows(3));
        Assert.Empty(await DockerRunner.LeftoversAsync(runner.RunnerUuid));
    }

    [Fact]
    public async Task LocalDockerfileAction_InputArgsFilesEnvAndPost_BuiltOnceAndSeenByLaterSteps()
    {
        var image = await TestImages.EnsureAsync(TestImage.Busybox);
        // New files for every test run, so that the first job builds the image.
        var nonce = Guid.NewGuid().ToString("N");
        var workflow = $$$"""
            on: push
            jobs:
              build:
                runs-on: linux
                defaults:
                  run:
                    shell: sh
                steps:
                  # The action's own expressions must reach action.yml unevaluated: D writes their '$'.
                  - run: |
                      D='$'
                      mkdir -p .forgejo/actions/x
                      printf 'FROM {{{image}}}\nLABEL test-run={{{nonce}}}\nCOPY entry.sh /entry.sh\nENTRYPOINT ["sh", "/entry.sh"]\n' > .forgejo/actions/x/Dockerfile
                      printf 'echo "hello $INPUT_WHO from $1"\necho "made by the action" > "$GITHUB_WORKSPACE/made.txt"\necho "FROM_ACTION=yes" >> "$GITHUB_ENV"\n' > .forgejo/actions/x/entry.sh
                      cat > .forgejo/actions/x/action.yml <<EOF
                      name: x
                      inputs:
                        who:
                          required: true
                      runs:
                        using: docker
                        image: Dockerfile
                        args:
                          - ${D}{{ inputs.who }}-arg
                        post-entrypoint: sh -c 'echo post saw \$INPUT_WHO'
                      EOF
                  - id: x
                    name: Docker action
                    uses: ./.forgejo/actions/x
                    with:
                      who: Alice
                  - run: |
                      cat made.txt
                      echo "env $FROM_ACTION"
            """;
        var runner = await DockerRunner.StartAsync(TestImage.Busybox);
        FakeTaskResult first;
        FakeTaskResult second;
        await using (runner)
        {
            var task = await runner.RunAsync(workflow);
            first = new FakeTaskResult(task, runner.Explain(task));
            task = await runner.RunAsync(workflow);
            second = new FakeTaskResult(task, runner.Explain(task));
        }

        var (done, explain) = first;
        Assert.True(done.Result == Result.Success, explain);
        var action = done.StepRows(1);
        Assert.Contains(action, r => r.StartsWith("Building the image kube-runner-action:", StringComparison.Ordinal));
        Assert.Contains("hello Alice from Alice-arg", action);
        Assert.Equal(["made by the action", "env yes"], done.StepRows(2));
        var rows = done.Rows();
        var post = rows.IndexOf("Post Docker action");
        Assert.True(post > (int)(done.Steps[2].LogIndex + done.Steps[2].LogLength - 1), explain);
        Assert.Contains("post saw Alice", rows[(post + 1)..]);

        // The same files again: the image built for the first job is used as it is.
        Assert.True(second.Task.Result == Result.Success, second.Explain);
        Assert.Contains(second.Task.StepRows(1), r => r.StartsWith("Using the image kube-runner-action:", StringComparison.Ordinal));
        Assert.Contains("hello Alice from Alice-arg", second.Task.StepRows(1));
        Assert.Empty(await DockerRunner.LeftoversAsync(runner.RunnerUuid));
        // The built image stays for later jobs, labelled as this runner's.
        Assert.NotEmpty((await DockerCli.RunCheckedAsync("images", "-q", "--filter", $"label=kube-runner.runner={runner.RunnerUuid}")).Trim());
    }

    [Fact]
    public async Task RemoteDockerfileAction_BuiltFromTheAgentsCacheWithPreEntrypointAndActionPath()
    {
        var image = await TestImages.EnsureAsync(TestImage.Busybox);
        await using var server = await LoopbackGitServer.StartAsync();
        await server.CreateRepositoryAsync("actions", "docker-hello", new Dictionary<string, string>
        {
            ["hello/action.yml"] = """
                name: docker hello
                inputs:
                  who:
                    default: nobody
                runs:
                  using: docker
                  image: docker/Dockerfile
                  args:
                    - ${{ inputs.who }}
                  pre-entrypoint: sh -c 'echo pre for $INPUT_WHO'
                """,
            ["hello/docker/Dockerfile"] = $"FROM {image}\nLABEL test-run={Guid.NewGuid():N}\nCOPY say.sh /say.sh\nENTRYPOINT [\"sh\", \"/say.sh\"]\n",
            ["hello/docker/say.sh"] = "echo \"remote hello $1\"\ntest -f \"$GITHUB_ACTION_PATH/action.yml\" && echo \"action files at $GITHUB_ACTION_PATH\"\n",
        }, "v1");
        var runner = await DockerRunner.StartAsync(TestImage.Busybox,
            forgeOptions: new FakeForgeOptions { DefaultActionsUrl = server.Url.ToString().TrimEnd('/') });
        FakeTask task;
        string explain;
        await using (runner)
        {
            task = await runner.RunAsync("""
                on: push
                jobs:
                  remote:
                    runs-on: linux
                    steps:
                      - uses: actions/docker-hello/hello@v1
                        with:
                          who: Dora
                """);
            explain = runner.Explain(task);
        }

        Assert.True(task.Result == Result.Success, explain);
        var rows = task.Rows();
        Assert.True(rows.IndexOf("pre for Dora") is >= 0 and var pre && pre < (int)task.Steps[0].LogIndex, explain);
        var step = task.StepRows(0);
        Assert.Contains("remote hello Dora", step);
        Assert.Contains(step, r => r.StartsWith("action files at /var/run/act/actions/", StringComparison.Ordinal));
        Assert.Empty(await DockerRunner.LeftoversAsync(runner.RunnerUuid));
    }

    [Fact]
    public async Task ImageStep_CancelledWhileItRuns_ItsContainerHoldsNoSecretAndIsKilledAndRemoved()
    {
        var image = await TestImages.EnsureAsync(TestImage.Busybox);
        var runner = await DockerRunner.StartAsync(TestImage.Busybox);
        FakeTask task;
        await using (runner)
        {
            var job = runner.Enqueue($$$"""
                on: push
                jobs:
                  long:
                    runs-on: linux
                    steps:
                      - uses: docker://{{{image}}}
                        env:
                          SECRET_VALUE: ${{ secrets.MY_SECRET }}
                        with:
                          entrypoint: sh
                          args: -c 'echo action is running; sleep 300' ${{ secrets.MY_SECRET }}
                      - if: cancelled()
                        shell: sh
                        run: echo "cancelled step ran"
                """, new Dictionary<string, string> { ["MY_SECRET"] = "s3cr3t-value" });
            var running = await runner.Forge.WaitForTaskAsync(
                t => t.JobId == job && t.LogRows.Any(r => r.Content == "action is running"), TestTimeouts.Scenario);

            // The secret went to the action (in its env and arguments), but not into Docker's view of the container.
            var container = (await DockerCli.RunCheckedAsync("ps", "-q", "--filter", $"label=kube-runner.runner={runner.RunnerUuid}",
                "--filter", "label=kube-runner.step")).Trim();
            Assert.NotEmpty(container);
            Assert.DoesNotContain("s3cr3t-value", await DockerCli.RunCheckedAsync("inspect", container), StringComparison.Ordinal);
            Assert.Contains("SECRET_VALUE=s3cr3t-value", await DockerCli.RunCheckedAsync("exec", container, "cat", "/proc/1/environ"), StringComparison.Ordinal);
            Assert.Equal("", (await DockerCli.RunCheckedAsync("exec", container, "ls", "-A", "/__kube-runner-command")).Trim());

            runner.Forge.CancelTask(running.Id);

            task = await runner.Forge.WaitForTaskAsync(running.Id, t => t.LogArchived, TestTimeouts.Scenario);
        }

        Assert.True(task.Result == Result.Cancelled, runner.Explain(task));
        Assert.Contains("cancelled step ran", task.Rows());
        Assert.Empty(await DockerRunner.LeftoversAsync(runner.RunnerUuid));
    }

    private sealed record FakeTaskResult(FakeTask Task, string Explain);
}
