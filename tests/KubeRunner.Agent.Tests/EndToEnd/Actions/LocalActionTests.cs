using KubeRunner.Agent.Tests.TestSupport;
using KubeRunner.Protocol.Runner.V1;
using KubeRunner.Testing;

namespace KubeRunner.Agent.Tests.EndToEnd.Actions;

/// <summary><c>uses: ./path</c>: node and composite actions from the workspace, on the host backend.</summary>
public sealed class LocalActionTests : IDisposable
{
    private const string GreetAction = """
        name: greet
        inputs:
          who:
            required: true
          greeting:
            default: Hello from ${{ github.repository }}
        outputs:
          said:
            description: what was said
        runs:
          using: node20
          main: main.js
          post: post.js
        """;

    private const string GreetMain = """
        const fs = require('fs');
        const text = `${process.env.INPUT_GREETING}, ${process.env.INPUT_WHO}!`;
        console.log(text);
        console.log(`action path ${process.env.GITHUB_ACTION_PATH}`);
        fs.appendFileSync(process.env.GITHUB_OUTPUT, `said=${text}\n`);
        fs.appendFileSync(process.env.GITHUB_STATE, `greeted=${process.env.INPUT_WHO}\n`);
        """;

    private readonly ActionFiles _files = new();

    [Fact]
    public async Task NodeAction_InputsDefaultsOutputsStateAndPost()
    {
        _files.Add(".forgejo/actions/greet/action.yml", GreetAction)
            .Add(".forgejo/actions/greet/main.js", GreetMain)
            .Add(".forgejo/actions/greet/post.js", "console.log(`post saw ${process.env.STATE_greeted}`);\n");
        await using var runner = await HostRunner.StartAsync();

        var task = await runner.RunAsync($$$"""
            on: push
            jobs:
              greet:
                runs-on: linux
                steps:
            {{{_files.CopyStep}}}
                  - id: greet
                    name: Greet
                    uses: ./.forgejo/actions/greet
                    with:
                      who: Alice
                  - run: echo "output ${{ steps.greet.outputs.said }}"
            """);

        Assert.True(task.Result == Result.Success, task.Text());
        var greet = task.StepRows(1);
        Assert.Equal("Hello from owner/repo, Alice!", greet[0]);
        Assert.Matches("^action path /.+/owner/repo/.forgejo/actions/greet$", greet[1]);
        Assert.Equal(["output Hello from owner/repo, Alice!"], task.StepRows(2));
        // The post script runs after the last step, in the job's own rows, and sees the state main saved.
        var rows = task.Rows();
        var post = rows.IndexOf("Post Greet");
        Assert.True(post > (int)(task.Steps[2].LogIndex + task.Steps[2].LogLength - 1), task.Text());
        Assert.Equal("post saw Alice", rows[post + 1]);
    }

    [Fact]
    public async Task CompositeAction_NestedStepsInputsOutputsEnvAndANestedAction()
    {
        _files.Add(".forgejo/actions/greet/action.yml", GreetAction)
            .Add(".forgejo/actions/greet/main.js", GreetMain)
            .Add(".forgejo/actions/greet/post.js", "console.log(`nested post saw ${process.env.STATE_greeted}`);\n")
            .Add(".forgejo/actions/pair/action.yml", """
                name: pair
                inputs:
                  first:
                    required: true
                  second:
                    default: Bob
                outputs:
                  both:
                    value: ${{ steps.join.outputs.both }} / ${{ steps.hello.outputs.said }}
                runs:
                  using: composite
                  steps:
                    - id: join
                      shell: bash
                      run: |
                        echo "caller env ${CALLER} input ${{ inputs.first }}"
                        echo "both=${{ inputs.first }}+${{ inputs.second }}" >> "$GITHUB_OUTPUT"
                    - id: broken
                      shell: bash
                      continue-on-error: true
                      run: exit 3
                    - id: hello
                      uses: ./.forgejo/actions/greet
                      with:
                        who: ${{ inputs.second }}
                        greeting: Hi
                    - shell: bash
                      run: echo "path ${{ github.action_path }} outcome ${{ steps.broken.outcome }}"
                """);
        await using var runner = await HostRunner.StartAsync();

        var task = await runner.RunAsync($$$"""
            on: push
            jobs:
              pair:
                runs-on: linux
                steps:
            {{{_files.CopyStep}}}
                  - id: pair
                    uses: ./.forgejo/actions/pair
                    env:
                      CALLER: from the caller
                    with:
                      first: Ann
                  - run: echo "pair said ${{ steps.pair.outputs.both }}"
            """);

        Assert.True(task.Result == Result.Success, task.Text());
        Assert.Equal([Result.Success, Result.Success, Result.Success], task.Steps.Select(s => s.Result));
        // Every nested row belongs to the outer step.
        var pair = task.StepRows(1);
        Assert.Contains("caller env from the caller input Ann", pair);
        Assert.Contains("Hi, Bob!", pair);
        Assert.Contains(pair, r => r.StartsWith("path /", StringComparison.Ordinal) && r.EndsWith("/.forgejo/actions/pair outcome failure", StringComparison.Ordinal));
        Assert.Equal(["pair said Ann+Bob / Hi, Bob!"], task.StepRows(2));
        Assert.Contains("nested post saw Bob", task.Rows());
    }

    [Fact]
    public async Task NodeAction_JobCancelledLater_PostStillRunsAndItsRowsReachTheForge()
    {
        _files.Add(".forgejo/actions/greet/action.yml", GreetAction)
            .Add(".forgejo/actions/greet/main.js", GreetMain)
            .Add(".forgejo/actions/greet/post.js", "console.log(`cleaning up after ${process.env.STATE_greeted}`);\n");
        await using var runner = await HostRunner.StartAsync();

        var job = runner.Enqueue($$$"""
            on: push
            jobs:
              cancel:
                runs-on: linux
                steps:
            {{{_files.CopyStep}}}
                  - uses: ./.forgejo/actions/greet
                    with:
                      who: Carol
                  - run: |
                      echo "waiting for the cancel"
                      sleep 300
            """);
        var running = await runner.Forge.WaitForTaskAsync(t => t.JobId == job && t.LogRows.Any(r => r.Content == "waiting for the cancel"), TestTimeouts.Scenario);
        runner.Forge.CancelTask(running.Id);

        var task = await runner.Forge.WaitForTaskAsync(running.Id, t => t.LogArchived, TestTimeouts.Scenario);
        Assert.Equal(Result.Cancelled, task.Result);
        Assert.Contains("cleaning up after Carol", task.Rows());
    }

    [Theory]
    [InlineData("missing input", "name: x\ninputs:\n  who:\n    required: true\nruns:\n  using: node20\n  main: main.js\n", "the input 'who' is required")]
    [InlineData("unknown using", "name: x\nruns:\n  using: node8\n  main: main.js\n", "node8")]
    [InlineData("invalid yaml", "name: x\nruns: [\n", "action.yml is not valid")]
    public async Task BadAction_FailsThatStepNamingTheActionAndTheProblem(string _, string actionYml, string expected)
    {
        _files.Add(".forgejo/actions/bad/action.yml", actionYml).Add(".forgejo/actions/bad/main.js", "console.log('ran');\n");
        await using var runner = await HostRunner.StartAsync();

        var task = await runner.RunAsync($$$"""
            on: push
            jobs:
              bad:
                runs-on: linux
                steps:
            {{{_files.CopyStep}}}
                  - uses: ./.forgejo/actions/bad
                  - if: always()
                    run: echo still here
            """);

        Assert.Equal(Result.Failure, task.Result);
        Assert.Equal([Result.Success, Result.Failure, Result.Success], task.Steps.Select(s => s.Result));
        var failure = Assert.Single(task.StepRows(1), r => r.Contains("./.forgejo/actions/bad", StringComparison.Ordinal));
        Assert.Contains(expected, failure, StringComparison.Ordinal);
        Assert.DoesNotContain("ran", task.StepRows(1));
    }

    [Fact]
    public async Task LocalAction_NotCheckedOut_SaysToCheckItOutFirst()
    {
        await using var runner = await HostRunner.StartAsync();

        var task = await runner.RunAsync("""
            on: push
            jobs:
              missing:
                runs-on: linux
                steps:
                  - uses: ./.forgejo/actions/nowhere
            """);

        Assert.Equal(Result.Failure, task.Result);
        Assert.Contains(task.StepRows(0), r => r.Contains("./.forgejo/actions/nowhere", StringComparison.Ordinal) && r.Contains("check the repository out in an earlier step", StringComparison.Ordinal));
    }

    [Fact]
    public async Task NodeAction_NoNodeOnPath_SaysWhatToDo()
    {
        _files.Add(".forgejo/actions/greet/action.yml", GreetAction).Add(".forgejo/actions/greet/main.js", GreetMain);
        await using var runner = await HostRunner.StartAsync();

        var task = await runner.RunAsync($$$"""
            on: push
            jobs:
              nonode:
                runs-on: linux
                steps:
            {{{_files.CopyStep}}}
                  - uses: ./.forgejo/actions/greet
                    env:
                      PATH: /nonexistent
                    with:
                      who: nobody
            """);

        Assert.Equal(Result.Failure, task.Result);
        Assert.Contains(task.StepRows(1), r => r.Contains("is a node20 action, but there is no 'node' on the job's PATH (/nonexistent)", StringComparison.Ordinal));
        // A main that never started has no post script to run.
        Assert.DoesNotContain(task.Rows(), r => r.StartsWith("Post ", StringComparison.Ordinal));
    }

    [Fact]
    public async Task NodeAction_NoNodeOnPathButTheRunnerProvidesOne_UsesIt()
    {
        var node = (Environment.GetEnvironmentVariable("PATH") ?? "").Split(':').Select(d => Path.Combine(d, "node")).FirstOrDefault(File.Exists);
        Assert.True(node is not null, "node must be installed on the test machine (.ci/run installs nodejs)");
        _files.Add(".forgejo/actions/greet/action.yml", GreetAction).Add(".forgejo/actions/greet/main.js", GreetMain).Add(".forgejo/actions/greet/post.js", "\n");
        await using var runner = await HostRunner.StartAsync(extraConfig: $"actions:\n  node: {node}\n");

        var task = await runner.RunAsync($$$"""
            on: push
            jobs:
              provided:
                runs-on: linux
                steps:
            {{{_files.CopyStep}}}
                  - uses: ./.forgejo/actions/greet
                    env:
                      PATH: /nonexistent
                    with:
                      who: the runner's node
            """);

        Assert.True(task.Result == Result.Success, task.Text());
        Assert.Equal("Hello from owner/repo, the runner's node!", task.StepRows(1)[0]);
    }

    [Fact]
    public async Task DockerAction_OnTheHostBackend_FailsTheJobBeforeItsFirstStepNamingTheStep()
    {
        await using var runner = await HostRunner.StartAsync();

        var task = await runner.RunAsync("""
            on: push
            jobs:
              docker:
                runs-on: linux
                steps:
                  - run: echo should not run
                  - name: In a container
                    uses: docker://alpine:3.20
            """);

        Assert.Equal(Result.Failure, task.Result);
        Assert.DoesNotContain("should not run", task.Rows());
        Assert.Contains(task.Rows(), r => r.Contains("step 'In a container' uses the Docker image alpine:3.20", StringComparison.Ordinal)
            && r.Contains("host backend", StringComparison.Ordinal));
    }

    public void Dispose() => _files.Dispose();
}
