using KubeRunner.Protocol.Runner.V1;
using KubeRunner.Testing.FakeForge;
using ProtoTask = KubeRunner.Protocol.Runner.V1.Task;

namespace KubeRunner.Testing.Tests.FakeForgeTests;

/// <summary>A fresh forge per test, a client without credentials, and helpers for the common set-up.</summary>
public abstract class ForgeTestBase : IAsyncLifetime
{
    /// <summary>An upper bound for waits; tests never sleep to synchronise.</summary>
    protected static readonly TimeSpan WaitLimit = TimeSpan.FromSeconds(5);

    protected const string ThreeStepWorkflow = """
        name: test
        on: push
        jobs:
          build:
            runs-on: docker
            steps:
              - run: echo one
              - run: echo two
              - uses: actions/checkout@v4
        """;

    private readonly List<ConnectTestClient> _clients = [];

    protected Forge Forge { get; private set; } = null!;

    internal ConnectTestClient Anonymous { get; private set; } = null!;

    protected virtual FakeForgeOptions Options => new();

    public async Task InitializeAsync()
    {
        Forge = await Forge.StartAsync(Options);
        Anonymous = NewClient();
    }

    public async Task DisposeAsync()
    {
        _clients.ForEach(c => c.Dispose());
        await Forge.DisposeAsync();
    }

    internal ConnectTestClient NewClient(Version? httpVersion = null)
    {
        var client = new ConnectTestClient(Forge, httpVersion);
        _clients.Add(client);
        return client;
    }

    internal ConnectTestClient ClientFor(FakeRunner runner)
    {
        var client = NewClient();
        client.SignInAs(runner);
        return client;
    }

    /// <summary>A runner made directly in the forge, with a client signed in as it.</summary>
    internal (FakeRunner Runner, ConnectTestClient Client) NewRunner(string[] labels, bool ephemeral = false)
    {
        var runner = Forge.AddRunner("runner-" + Guid.NewGuid().ToString("N")[..6], labels, ephemeral);
        return (runner, ClientFor(runner));
    }

    protected long Enqueue(params string[] runsOn) => Forge.EnqueueJob(new FakeJob { WorkflowYaml = ThreeStepWorkflow, RunsOn = runsOn });

    internal static async Task<FetchTaskResponse> FetchAsync(ConnectTestClient client, long tasksVersion = 0, string? requestKey = null) =>
        await client.OkAsync<FetchTaskResponse>(ConnectTestClient.FetchTask, new FetchTaskRequest { TasksVersion = tasksVersion }, requestKey);

    /// <summary>Queues a job running on <paramref name="label"/> and fetches it as a task with <paramref name="client"/>.</summary>
    internal async Task<ProtoTask> AssignTaskAsync(ConnectTestClient client, string label = "docker")
    {
        Enqueue(label);
        var response = await FetchAsync(client);
        Assert.NotNull(response.Task);
        return response.Task;
    }

    internal static Task<ConnectReply<UpdateTaskResponse>> UpdateTaskAsync(ConnectTestClient client, TaskState state,
        IDictionary<string, string>? outputs = null)
    {
        var request = new UpdateTaskRequest { State = state };
        if (outputs is not null)
        {
            request.Outputs.Add(outputs);
        }

        return client.CallAsync<UpdateTaskResponse>(ConnectTestClient.UpdateTask, request);
    }

    internal static Task<ConnectReply<UpdateLogResponse>> UpdateLogAsync(ConnectTestClient client, long taskId, long index,
        IEnumerable<string> rows, bool noMore = false)
    {
        var request = new UpdateLogRequest { TaskId = taskId, Index = index, NoMore = noMore };
        request.Rows.Add(rows.Select(r => new LogRow { Content = r, Time = Google.Protobuf.WellKnownTypes.Timestamp.FromDateTimeOffset(DateTimeOffset.UtcNow) }));
        return client.CallAsync<UpdateLogResponse>(ConnectTestClient.UpdateLog, request);
    }
}
