using Google.Protobuf.WellKnownTypes;
using KubeRunner.Protocol.Runner.V1;
using KubeRunner.Testing.FakeForge;

namespace KubeRunner.Testing.Tests.FakeForgeTests;

public sealed class TaskPayloadTests : ForgeTestBase
{
    [Fact]
    public async Task FetchTask_Job_PayloadCarriesWorkflowContextSecretsVarsAndNeeds()
    {
        var (_, client) = NewRunner(["docker"]);
        var need = new TaskNeed { Result = Result.Success };
        need.Outputs["version"] = "1.2.3";
        var jobId = Forge.EnqueueJob(new FakeJob
        {
            WorkflowYaml = ThreeStepWorkflow,
            RunsOn = ["docker"],
            Repository = "acme/widgets",
            Secrets = new Dictionary<string, string> { ["DEPLOY_KEY"] = "s3cret" },
            Vars = new Dictionary<string, string> { ["REGION"] = "eu" },
            Needs = new Dictionary<string, TaskNeed> { ["setup"] = need },
            ExtraContext = new Dictionary<string, Value> { ["custom"] = Value.ForString("yes") },
        });

        var task = (await FetchAsync(client)).Task;

        var stored = Forge.FindTaskForJob(jobId)!;
        Assert.Equal(stored.Id, task.Id);
        Assert.Equal(ThreeStepWorkflow, task.WorkflowPayload.ToStringUtf8());
        Assert.Equal("", task.Machine);
        Assert.Equal(
            new Dictionary<string, string>
            {
                ["DEPLOY_KEY"] = "s3cret", ["GITHUB_TOKEN"] = stored.Token, ["GITEA_TOKEN"] = stored.Token, ["FORGEJO_TOKEN"] = stored.Token,
            },
            task.Secrets.ToDictionary());
        Assert.Equal("eu", task.Vars["REGION"]);
        Assert.Equal(need, task.Needs["setup"]);
        var context = task.Context.Fields;
        Assert.Equal(stored.Token, context["token"].StringValue);
        Assert.Equal("acme/widgets", context["repository"].StringValue);
        Assert.Equal("acme", context["repository_owner"].StringValue);
        Assert.Equal("build", context["job"].StringValue);
        Assert.Equal(Forge.Url.AbsoluteUri, context["server_url"].StringValue);
        Assert.Equal(Forge.Url.AbsoluteUri + "api/v1", context["api_url"].StringValue);
        Assert.Equal("yes", context["custom"].StringValue);
        Assert.Equal(Value.KindOneofCase.StructValue, context["event"].KindCase);
    }

    [Fact]
    public async Task FetchTask_Job_ContextHasEveryRequiredKey()
    {
        var (_, client) = NewRunner(["docker"]);

        var context = (await AssignTaskAsync(client)).Context.Fields;

        string[] required =
        [
            "forgejo_default_actions_url", "gitea_default_actions_url", "token", "gitea_runtime_token", "forgejo_runtime_token",
            "repository", "repository_owner", "sha", "ref", "ref_name", "ref_type", "event_name", "run_id", "run_number",
            "run_attempt", "job", "workflow", "server_url", "api_url", "actor",
        ];
        Assert.All(required, key => Assert.False(string.IsNullOrEmpty(context[key].StringValue), key));
        Assert.Equal("https://data.forgejo.org", context["forgejo_default_actions_url"].StringValue);
        Assert.Equal(("refs/heads/main", "main", "branch", "push"),
            (context["ref"].StringValue, context["ref_name"].StringValue, context["ref_type"].StringValue, context["event_name"].StringValue));
        Assert.Equal("1", context["run_attempt"].StringValue);
        Assert.Equal(3, context["gitea_runtime_token"].StringValue.Split('.').Length);
        Assert.Equal(context["gitea_runtime_token"], context["forgejo_runtime_token"]);
    }

    [Fact]
    public async Task FetchTask_OmittedContextKeys_AreAbsent()
    {
        var (_, client) = NewRunner(["docker"]);
        Forge.EnqueueJob(new FakeJob
        {
            WorkflowYaml = ThreeStepWorkflow,
            RunsOn = ["docker"],
            OmitContextKeys = ["forgejo_default_actions_url", "gitea_default_actions_url"],
        });

        var context = (await FetchAsync(client)).Task.Context.Fields;

        Assert.False(context.ContainsKey("forgejo_default_actions_url"));
        Assert.False(context.ContainsKey("gitea_default_actions_url"));
    }

    [Fact]
    public void EnqueueJob_TwoJobsInPayload_Throws()
    {
        const string twoJobs = "jobs:\n  a:\n    steps: []\n  b:\n    steps: []\n";

        Assert.Throws<ArgumentException>(() => Forge.EnqueueJob(new FakeJob { WorkflowYaml = twoJobs, RunsOn = ["docker"] }));
    }

    [Fact]
    public async Task FetchTask_JobWithoutSteps_HasNoStepRows()
    {
        var (_, client) = NewRunner(["docker"]);
        Forge.EnqueueJob(new FakeJob { WorkflowYaml = "jobs:\n  call:\n    uses: ./.forgejo/workflows/x.yml\n", RunsOn = ["docker"] });

        var task = (await FetchAsync(client)).Task;

        Assert.Empty(Forge.GetTask(task.Id).Steps);
        Assert.Equal("call", task.Context.Fields["job"].StringValue);
    }
}
