using KubeRunner.Workflow.Expressions;
using KubeRunner.Workflow.Model;

namespace KubeRunner.Workflow.Tests.Model;

public sealed class WorkflowParserTests
{
    private const string Payload = """
        name: ci
        run-name: ci for ${{ github.ref }}
        on: push
        env:
          ZEBRA: z
          APPLE: ${{ vars.APPLE }}
        defaults:
          run:
            shell: bash
            working-directory: src
        jobs:
          build:
            name: build (linux, 20)
            runs-on: docker
            needs: [setup]
            if: ${{ !cancelled() }}
            timeout-minutes: 30
            continue-on-error: ${{ matrix.experimental }}
            env:
              MODE: release
              COUNT: 3
            defaults:
              run:
                shell: sh
            strategy:
              fail-fast: false
              max-parallel: 2
              matrix:
                os: [linux]
                node: [20]
            container:
              image: node:20
              env:
                NODE_ENV: test
              options: --cpus 2
              volumes: [/cache:/cache]
              ports: ["8080:80"]
              credentials:
                username: ${{ secrets.USER }}
                password: ${{ secrets.PASS }}
            services:
              db:
                image: postgres:16
                env:
                  POSTGRES_PASSWORD: pw
              cache: redis:7
            outputs:
              version: ${{ steps.ver.outputs.version }}
              digest: ${{ steps.push.outputs.digest }}
            steps:
              - uses: actions/checkout@v4
                with:
                  fetch-depth: 0
              - id: ver
                name: Compute version
                run: |
                  echo "version=1.2.3" >> "$GITHUB_OUTPUT"
                shell: bash
                working-directory: app
                env:
                  TRACE: true
                continue-on-error: true
                timeout-minutes: 5
              - run: echo done
                if: always()
        """;

    [Fact]
    public void ParseSingleJob_RealisticPayload_ReadsEveryField()
    {
        var result = WorkflowParser.ParseSingleJob(Payload);

        Assert.True(result.Ok, string.Join("\n", result.Errors));
        var workflow = result.Workflow!;
        Assert.Equal("ci", workflow.Name);
        Assert.Equal("ci for ${{ github.ref }}", workflow.RunName);
        Assert.Equal(["push"], workflow.On);
        Assert.Equal([new("ZEBRA", "z"), new("APPLE", "${{ vars.APPLE }}")], workflow.Env);
        Assert.Equal(new RunDefaults("bash", "src"), workflow.Defaults);

        var job = Assert.Single(workflow.Jobs);
        Assert.Equal("build", job.Id);
        Assert.Equal(12, job.Line);
        Assert.Equal("build (linux, 20)", job.Name);
        Assert.Equal(["docker"], job.RunsOn);
        Assert.Equal(["setup"], job.Needs);
        Assert.Equal("${{ !cancelled() }}", job.If);
        Assert.Equal("30", job.TimeoutMinutes);
        Assert.Equal("${{ matrix.experimental }}", job.ContinueOnError);
        Assert.Equal([new("MODE", "release"), new("COUNT", "3")], job.Env);
        Assert.Equal(new RunDefaults("sh", null), job.Defaults);
        Assert.Null(job.Uses);
    }

    [Fact]
    public void ParseSingleJob_RealisticPayload_ReadsStrategyContainerServicesAndOutputs()
    {
        var job = WorkflowParser.ParseSingleJob(Payload).Workflow!.Jobs[0];

        Assert.Equal("false", job.Strategy!.FailFast);
        Assert.Equal("2", job.Strategy.MaxParallel);
        Assert.Null(job.Strategy.MatrixExpression);
        Assert.Equal("""{"os":["linux"],"node":[20]}""", job.Strategy.Matrix!.ToJson(indented: false));

        var container = job.Container!;
        Assert.Equal("node:20", container.Image);
        Assert.Equal([new("NODE_ENV", "test")], container.Env);
        Assert.Equal("--cpus 2", container.Options);
        Assert.Equal(["/cache:/cache"], container.Volumes);
        Assert.Equal(["8080:80"], container.Ports);
        Assert.Equal(new ContainerCredentials("${{ secrets.USER }}", "${{ secrets.PASS }}"), container.Credentials);

        Assert.Equal(["db", "cache"], job.Services.Select(s => s.Key));
        Assert.Equal("postgres:16", job.Services[0].Value.Image);
        Assert.Equal([new("POSTGRES_PASSWORD", "pw")], job.Services[0].Value.Env);
        Assert.Equal("redis:7", job.Services[1].Value.Image);

        Assert.Equal(
            [new("version", "${{ steps.ver.outputs.version }}"), new("digest", "${{ steps.push.outputs.digest }}")],
            job.Outputs);
    }

    [Fact]
    public void ParseSingleJob_RealisticPayload_ReadsSteps()
    {
        var steps = WorkflowParser.ParseSingleJob(Payload).Workflow!.Jobs[0].Steps;

        Assert.Equal(3, steps.Count);
        Assert.Equal([0, 1, 2], steps.Select(s => s.Index));
        Assert.Equal(["actions/checkout@v4", "Compute version", "echo done"], steps.Select(s => s.DisplayName));
        Assert.Equal([new("fetch-depth", "0")], steps[0].With);
        Assert.Equal(51, steps[0].Line);

        var ver = steps[1];
        Assert.Equal("ver", ver.Id);
        Assert.Equal("echo \"version=1.2.3\" >> \"$GITHUB_OUTPUT\"\n", ver.Run);
        Assert.Equal("bash", ver.Shell);
        Assert.Equal("app", ver.WorkingDirectory);
        Assert.Equal([new("TRACE", "true")], ver.Env);
        Assert.Equal("true", ver.ContinueOnError);
        Assert.Equal("5", ver.TimeoutMinutes);
        Assert.Equal("always()", steps[2].If);
        Assert.Equal("2", steps[2].EffectiveId);
    }

    [Theory]
    [InlineData("runs-on: [self-hosted, heavy]", new[] { "self-hosted", "heavy" })]
    [InlineData("runs-on: {group: g, labels: [a, b]}", new[] { "a", "b", "g" })]
    [InlineData("runs-on: {labels: c}", new[] { "c" })]
    [InlineData("runs-on: ${{ matrix.os }}", new[] { "${{ matrix.os }}" })]
    public void Parse_RunsOnForms_KeepsRawLabels(string line, string[] expected)
    {
        var result = WorkflowParser.Parse($"jobs:\n  j:\n    {line}\n    steps: [run: x]\n");

        Assert.True(result.Ok, string.Join("\n", result.Errors));
        Assert.Equal(expected, result.Workflow!.Jobs[0].RunsOn);
    }

    [Theory]
    [InlineData("on: push", new[] { "push" })]
    [InlineData("on: [push, pull_request]", new[] { "push", "pull_request" })]
    [InlineData("on:\n  push:\n    branches: [main]\n  workflow_dispatch:", new[] { "push", "workflow_dispatch" })]
    public void Parse_OnForms_GivesEventNames(string on, string[] expected)
    {
        var result = WorkflowParser.Parse($"{on}\njobs:\n  j:\n    runs-on: x\n    steps: [run: x]\n");

        Assert.True(result.Ok, string.Join("\n", result.Errors));
        Assert.Equal(expected, result.Workflow!.On);
    }

    [Fact]
    public void Parse_ContainerShortFormAndNeedsString_Read()
    {
        var result = WorkflowParser.Parse("jobs:\n  a:\n    runs-on: x\n    steps: [run: x]\n  b:\n    runs-on: x\n    needs: a\n    container: alpine:3\n    steps: [run: x]\n");

        Assert.True(result.Ok, string.Join("\n", result.Errors));
        Assert.Equal(["a", "b"], result.Workflow!.Jobs.Select(j => j.Id));
        Assert.Equal(["a"], result.Workflow.Jobs[1].Needs);
        Assert.Equal("alpine:3", result.Workflow.Jobs[1].Container!.Image);
        Assert.Null(result.Workflow.Jobs[0].Container);
    }

    [Fact]
    public void Parse_MatrixExpression_KeptAsText()
    {
        var result = WorkflowParser.Parse("jobs:\n  j:\n    runs-on: x\n    strategy:\n      matrix: ${{ fromJSON(needs.a.outputs.m) }}\n    steps: [run: x]\n");

        Assert.True(result.Ok, string.Join("\n", result.Errors));
        Assert.Equal("${{ fromJSON(needs.a.outputs.m) }}", result.Workflow!.Jobs[0].Strategy!.MatrixExpression);
        Assert.Null(result.Workflow.Jobs[0].Strategy!.Matrix);
    }

    [Fact]
    public void Parse_MatrixScalars_TypedAsYamlCoreSchema()
    {
        var result = WorkflowParser.Parse(
            "jobs:\n  j:\n    runs-on: x\n    strategy:\n      matrix:\n        v: [1, 2.5, true, null, '3', abc]\n        include:\n          - v: 1\n            extra: yes\n    steps: [run: x]\n");

        var matrix = result.Workflow!.Jobs[0].Strategy!.Matrix!;
        var values = matrix.AsObject["v"].AsArray;
        Assert.Equal([ExpressionKind.Number, ExpressionKind.Number, ExpressionKind.Boolean, ExpressionKind.Null, ExpressionKind.String, ExpressionKind.String], values.Select(v => v.Kind));
        Assert.Equal(2.5, values[1].AsNumber);
        Assert.Equal("3", values[4].AsString);
        Assert.Equal("""[{"v":1,"extra":"yes"}]""", matrix.AsObject["include"].ToJson(indented: false));
    }

    [Fact]
    public void Parse_ReusableWorkflowJob_KeepsUsesAndWith()
    {
        var result = WorkflowParser.Parse("jobs:\n  call:\n    uses: ./.forgejo/workflows/lib.yml\n    with:\n      level: 3\n    secrets: inherit\n");

        Assert.True(result.Ok, string.Join("\n", result.Errors));
        var job = result.Workflow!.Jobs[0];
        Assert.Equal("./.forgejo/workflows/lib.yml", job.Uses);
        Assert.Equal([new("level", "3")], job.With);
        Assert.Empty(job.Steps);
    }

    [Fact]
    public void Parse_AnchorsAndAliases_Resolved()
    {
        var result = WorkflowParser.Parse("env: &common\n  A: a\njobs:\n  j:\n    runs-on: x\n    env: *common\n    steps: [run: x]\n");

        Assert.True(result.Ok, string.Join("\n", result.Errors));
        Assert.Equal([new("A", "a")], result.Workflow!.Jobs[0].Env);
    }

    [Fact]
    public void Parse_EmptyEnvValue_IsEmptyString()
    {
        var result = WorkflowParser.Parse("env:\n  EMPTY:\n  QUOTED: ''\njobs:\n  j:\n    runs-on: x\n    steps: [run: x]\n");

        Assert.True(result.Ok, string.Join("\n", result.Errors));
        Assert.Equal([new("EMPTY", ""), new("QUOTED", "")], result.Workflow!.Env);
    }
}
