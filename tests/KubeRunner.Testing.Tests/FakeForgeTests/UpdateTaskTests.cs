using Google.Protobuf.WellKnownTypes;
using KubeRunner.Protocol.Runner.V1;
using KubeRunner.Testing.FakeForge;
using static KubeRunner.Testing.Tests.FakeForgeTests.PingAndRegisterTests;

namespace KubeRunner.Testing.Tests.FakeForgeTests;

public sealed class UpdateTaskTests : ForgeTestBase
{
    private static readonly DateTimeOffset T0 = new(2026, 1, 2, 3, 4, 5, TimeSpan.Zero);

    [Fact]
    public async Task UpdateTask_Running_AnswersUnspecifiedAndCopiesStepsById()
    {
        var (_, client) = NewRunner(["docker"]);
        var task = await AssignTaskAsync(client);
        var state = new TaskState { Id = task.Id };
        state.Steps.Add(new StepState { Id = 1, StartedAt = Timestamp.FromDateTimeOffset(T0), LogIndex = 4, LogLength = 2 });
        state.Steps.Add(new StepState { Id = 0, Result = Result.Success, StartedAt = Timestamp.FromDateTimeOffset(T0), StoppedAt = Timestamp.FromDateTimeOffset(T0.AddSeconds(1)), LogLength = 4 });
        state.Steps.Add(new StepState { Id = 9, Result = Result.Failure });

        var reply = await UpdateTaskAsync(client, state);

        Assert.Equal(new TaskState { Id = task.Id, Result = Result.Unspecified }, reply.Message!.State);
        var steps = Forge.GetTask(task.Id).Steps;
        Assert.Equal((Result.Success, false, 0L, 4L, T0.AddSeconds(1)), (steps[0].Result, steps[0].IsRunning, steps[0].LogIndex, steps[0].LogLength, steps[0].StoppedAt));
        Assert.Equal((Result.Unspecified, true, 4L, 2L, T0), (steps[1].Result, steps[1].IsRunning, steps[1].LogIndex, steps[1].LogLength, steps[1].StartedAt));
        Assert.Equal((Result.Unspecified, false, (DateTimeOffset?)null), (steps[2].Result, steps[2].IsRunning, steps[2].StartedAt));
        Assert.Equal(3, steps.Count);
    }

    [Fact]
    public async Task UpdateTask_FinalResult_FinishesTaskWithStopTime()
    {
        var (_, client) = NewRunner(["docker"]);
        var task = await AssignTaskAsync(client);

        var reply = await UpdateTaskAsync(client, new TaskState { Id = task.Id, Result = Result.Failure, StoppedAt = Timestamp.FromDateTimeOffset(T0) });

        Assert.Equal(Result.Failure, reply.Message!.State.Result);
        var stored = Forge.GetTask(task.Id);
        Assert.Equal((Result.Failure, T0), (stored.Result, stored.StoppedAt));
        Assert.Equal("final state failure", stored.Journal[^1].Description);
    }

    [Fact]
    public async Task UpdateTask_AfterFinalState_ChangesNothingAndAnswersStoredResult()
    {
        var (_, client) = NewRunner(["docker"]);
        var task = await AssignTaskAsync(client);
        await UpdateTaskAsync(client, new TaskState { Id = task.Id, Result = Result.Success });
        var late = new TaskState { Id = task.Id, Result = Result.Failure };
        late.Steps.Add(new StepState { Id = 0, Result = Result.Failure, LogLength = 99 });

        var reply = await UpdateTaskAsync(client, late);

        Assert.Equal(Result.Success, reply.Message!.State.Result);
        var stored = Forge.GetTask(task.Id);
        Assert.Equal(Result.Success, stored.Result);
        Assert.Equal((Result.Unspecified, 0L), (stored.Steps[0].Result, stored.Steps[0].LogLength));
        Assert.Equal(FakeTaskEventKind.UpdateIgnoredTaskDone, stored.Journal[^1].Kind);
    }

    [Fact]
    public async Task UpdateTask_Outputs_FirstWriterWinsAndSentOutputsListsAllKeys()
    {
        var (_, client) = NewRunner(["docker"]);
        var task = await AssignTaskAsync(client);
        await UpdateTaskAsync(client, new TaskState { Id = task.Id }, new Dictionary<string, string> { ["a"] = "first" });

        var reply = await UpdateTaskAsync(client, new TaskState { Id = task.Id }, new Dictionary<string, string> { ["a"] = "second", ["b"] = "x" });

        Assert.Equal(["a", "b"], reply.Message!.SentOutputs);
        Assert.Equal(new Dictionary<string, string> { ["a"] = "first", ["b"] = "x" }, Forge.GetTask(task.Id).Outputs);
    }

    [Fact]
    public async Task UpdateTask_OutputsOverLimits_AreDroppedAtTheBoundary()
    {
        var (_, client) = NewRunner(["docker"]);
        var task = await AssignTaskAsync(client);
        var outputs = new Dictionary<string, string>
        {
            [new string('k', 255)] = "ok",
            [new string('k', 256)] = "too long key",
            ["é" + new string('k', 254)] = "256 bytes in UTF-8",
            ["big"] = new string('v', 1024 * 1024),
            ["bigger"] = new string('v', (1024 * 1024) + 1),
        };

        var reply = await UpdateTaskAsync(client, new TaskState { Id = task.Id }, outputs);

        Assert.Equal([new string('k', 255), "big"], reply.Message!.SentOutputs);
        Assert.Equal(3, Forge.GetTask(task.Id).Journal.Count(e => e.Kind == FakeTaskEventKind.OutputRejected));
    }

    [Fact]
    public async Task UpdateTask_OutputsWithFinalStateAfterDone_AreStillStored()
    {
        var (_, client) = NewRunner(["docker"]);
        var task = await AssignTaskAsync(client);
        await UpdateTaskAsync(client, new TaskState { Id = task.Id, Result = Result.Success });

        var reply = await UpdateTaskAsync(client, new TaskState { Id = task.Id, Result = Result.Success }, new Dictionary<string, string> { ["late"] = "1" });

        Assert.Equal(["late"], reply.Message!.SentOutputs);
    }

    [Fact]
    public async Task UpdateTask_AfterUserCancel_AnswersCancelled()
    {
        var (_, client) = NewRunner(["docker"]);
        var task = await AssignTaskAsync(client);
        Forge.CancelTask(task.Id);

        var reply = await UpdateTaskAsync(client, new TaskState { Id = task.Id });

        Assert.Equal(Result.Cancelled, reply.Message!.State.Result);
        Assert.All(Forge.GetTask(task.Id).Steps, s => Assert.Equal(Result.Cancelled, s.Result));
    }

    [Fact]
    public async Task UpdateTask_AfterServerFailedTask_AnswersFailure()
    {
        var (_, client) = NewRunner(["docker"]);
        var task = await AssignTaskAsync(client);
        Forge.FailTask(task.Id);

        var reply = await UpdateTaskAsync(client, new TaskState { Id = task.Id, Result = Result.Success });

        Assert.Equal(Result.Failure, reply.Message!.State.Result);
        Assert.Equal(Result.Failure, Forge.GetTask(task.Id).Result);
    }

    [Fact]
    public async Task UpdateTask_TaskOfAnotherRunner_InternalInvalidRunner()
    {
        var (_, owner) = NewRunner(["docker"]);
        var (_, other) = NewRunner(["docker"]);
        var task = await AssignTaskAsync(owner);

        var reply = await UpdateTaskAsync(other, new TaskState { Id = task.Id, Result = Result.Success });

        AssertError(reply, 500, ConnectCode.Internal, "update task: invalid runner for task");
        Assert.False(Forge.GetTask(task.Id).IsDone);
    }

    [Fact]
    public async Task UpdateTask_UnknownTask_Internal()
    {
        var (_, client) = NewRunner(["docker"]);

        var reply = await UpdateTaskAsync(client, new TaskState { Id = 424242 });

        Assert.Equal((500, ConnectCode.Internal), (reply.StatusCode, reply.ErrorCode));
    }

    [Fact]
    public async Task UpdateTask_EphemeralRunnerFinalResult_DeletesRunner()
    {
        var (runner, client) = NewRunner(["docker"], ephemeral: true);
        var task = await AssignTaskAsync(client);

        var final = await UpdateTaskAsync(client, new TaskState { Id = task.Id, Result = Result.Success });
        var after = await client.CallAsync<FetchTaskResponse>(ConnectTestClient.FetchTask, new FetchTaskRequest());

        Assert.Equal(Result.Success, final.Message!.State.Result);
        AssertError(after, 401, ConnectCode.Unauthenticated, "unregistered runner");
        Assert.Null(Forge.FindRunner(runner.Uuid));
    }

    [Fact]
    public async Task UpdateTask_EphemeralRunnerStillRunning_KeepsRunner()
    {
        var (runner, client) = NewRunner(["docker"], ephemeral: true);
        var task = await AssignTaskAsync(client);

        await UpdateTaskAsync(client, new TaskState { Id = task.Id });

        Assert.NotNull(Forge.FindRunner(runner.Uuid));
    }
}
