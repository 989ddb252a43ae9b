using Google.Protobuf.WellKnownTypes;
using KubeRunner.Agent.Backends.Docker.Spec;
using KubeRunner.Workflow.Model;

namespace KubeRunner.Agent.Tests.Backends.Docker;

public sealed class WorkflowContainerTests
{
    [Fact]
    public void Evaluate_ExpressionsEverywhere_UseSecretsVarsMatrixEnvAndGithub()
    {
        var (workflow, job) = Parse("""
            on: push
            env:
              REGISTRY: registry.example
            jobs:
              build:
                runs-on: linux
                strategy:
                  matrix:
                    pg: [16]
                env:
                  TAG: ${{ env.REGISTRY }}/db
                container:
                  image: ${{ env.TAG }}:${{ matrix.pg }}
                  credentials:
                    username: ${{ vars.USER }}
                    password: ${{ secrets.REGISTRY_PASSWORD }}
                  env:
                    REPO: ${{ github.repository }}
                    JOB: ${{ github.job }}
                services:
                  db:
                    image: postgres:${{ matrix.pg }}
                    options: --health-cmd pg_isready
                steps:
                  - run: echo
            """);
        var task = Task();
        task.Secrets["REGISTRY_PASSWORD"] = "s3cr3t";
        task.Vars["USER"] = "robot";
        var context = ContainerContext.Build(task, workflow, job, "linux");

        var container = WorkflowContainer.Evaluate(null, job.Container!, context);
        var service = WorkflowContainer.Evaluate("db", job.Services[0].Value, context);

        Assert.Equal("registry.example/db:16", container.Image);
        Assert.Equal(new RegistryCredentials("robot", "s3cr3t"), container.Credentials);
        Assert.Equal([new("REPO", "owner/repo"), new("JOB", "build")], container.Env);
        Assert.Equal("postgres:16", service.Image);
        Assert.Equal("--health-cmd pg_isready", service.Options);
        Assert.Equal("service 'db'", service.Subject);
    }

    [Fact]
    public void Evaluate_FailingExpression_NamesTheLine()
    {
        var (workflow, job) = Parse("on: push\njobs:\n  build:\n    runs-on: linux\n    container:\n      image: ${{ nosuchfunction() }}\n    steps:\n      - run: echo\n");

        var exception = Assert.Throws<ContainerSpecException>(() =>
            WorkflowContainer.Evaluate(null, job.Container!, ContainerContext.Build(Task(), workflow, job, "linux")));

        Assert.StartsWith("line 6: an expression in the job's container failed: ", exception.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Evaluate_CredentialsWithoutPassword_FailsNamingTheLine()
    {
        var (workflow, job) = Parse("on: push\njobs:\n  build:\n    runs-on: linux\n    container:\n      image: x\n      credentials:\n        username: ${{ secrets.MISSING }}\n        password: p\n    steps:\n      - run: echo\n");

        var exception = Assert.Throws<ContainerSpecException>(() =>
            WorkflowContainer.Evaluate(null, job.Container!, ContainerContext.Build(Task(), workflow, job, "linux")));

        Assert.Equal("line 6: the credentials of the job's container need both username and password", exception.Message);
    }

    private static KubeRunner.Protocol.Runner.V1.Task Task()
    {
        var task = new KubeRunner.Protocol.Runner.V1.Task { Context = new Struct() };
        task.Context.Fields["repository"] = Value.ForString("owner/repo");
        return task;
    }

    private static (WorkflowDefinition Workflow, JobDefinition Job) Parse(string yaml)
    {
        var parsed = WorkflowParser.ParseSingleJob(yaml);
        Assert.True(parsed.Ok, string.Join("\n", parsed.Errors));
        return (parsed.Workflow!, parsed.Workflow!.Jobs[0]);
    }
}
