using KubeRunner.Protocol.Runner.V1;
using KubeRunner.Testing.FakeForge;
using static KubeRunner.Testing.Tests.FakeForgeTests.PingAndRegisterTests;

namespace KubeRunner.Testing.Tests.FakeForgeTests;

public sealed class UpdateLogTests : ForgeTestBase
{
    [Fact]
    public async Task UpdateLog_FirstRows_AppendedAndAcked()
    {
        var (_, client, taskId) = await RunningTaskAsync();

        var reply = await UpdateLogAsync(client, taskId, 0, ["a", "b"]);

        Assert.Equal(2, reply.Message!.AckIndex);
        Assert.Equal(["a", "b"], Forge.GetTask(taskId).LogRows.Select(r => r.Content));
        Assert.All(Forge.GetTask(taskId).LogRows, r => Assert.NotNull(r.Time));
    }

    [Fact]
    public async Task UpdateLog_Gap_AnswersStoredCountAndStoresNothing()
    {
        var (_, client, taskId) = await RunningTaskAsync();
        await UpdateLogAsync(client, taskId, 0, ["a", "b"]);

        var reply = await UpdateLogAsync(client, taskId, 3, ["d"], noMore: true);

        Assert.Equal(2, reply.Message!.AckIndex);
        var stored = Forge.GetTask(taskId);
        Assert.Equal(2, stored.LogRows.Count);
        Assert.False(stored.LogArchived);
    }

    [Fact]
    public async Task UpdateLog_Overlap_AppendsOnlyTheNewSuffix()
    {
        var (_, client, taskId) = await RunningTaskAsync();
        await UpdateLogAsync(client, taskId, 0, ["a", "b"]);

        var reply = await UpdateLogAsync(client, taskId, 1, ["b", "c", "d"]);

        Assert.Equal(4, reply.Message!.AckIndex);
        Assert.Equal(["a", "b", "c", "d"], Forge.GetTask(taskId).LogRows.Select(r => r.Content));
    }

    [Fact]
    public async Task UpdateLog_PureDuplicate_AnswersStoredCountAndIgnoresNoMore()
    {
        var (_, client, taskId) = await RunningTaskAsync();
        await UpdateLogAsync(client, taskId, 0, ["a", "b"]);

        var reply = await UpdateLogAsync(client, taskId, 0, ["a", "b"], noMore: true);

        Assert.Equal(2, reply.Message!.AckIndex);
        var stored = Forge.GetTask(taskId);
        Assert.Equal(2, stored.LogRows.Count);
        Assert.False(stored.LogArchived);
    }

    [Fact]
    public async Task UpdateLog_EmptyRowsWithNoMore_DoesNotArchive()
    {
        var (_, client, taskId) = await RunningTaskAsync();
        await UpdateLogAsync(client, taskId, 0, ["a"]);

        var reply = await UpdateLogAsync(client, taskId, 1, [], noMore: true);

        Assert.Equal(1, reply.Message!.AckIndex);
        Assert.False(Forge.GetTask(taskId).LogArchived);
    }

    [Fact]
    public async Task UpdateLog_NoMoreWithNewRows_ArchivesAfterAppending()
    {
        var (_, client, taskId) = await RunningTaskAsync();

        var reply = await UpdateLogAsync(client, taskId, 0, ["a", "b"], noMore: true);

        Assert.Equal(2, reply.Message!.AckIndex);
        var stored = Forge.GetTask(taskId);
        Assert.True(stored.LogArchived);
        Assert.Equal(["log appended 2 rows", "log archived"], stored.Journal.Skip(1).Select(e => e.Description));
    }

    [Fact]
    public async Task UpdateLog_NewRowsAfterArchive_AlreadyExists()
    {
        var (_, client, taskId) = await RunningTaskAsync();
        await UpdateLogAsync(client, taskId, 0, ["a"], noMore: true);

        var reply = await UpdateLogAsync(client, taskId, 1, ["b"]);

        AssertError(reply, 409, ConnectCode.AlreadyExists, "log file has been archived");
        Assert.Single(Forge.GetTask(taskId).LogRows);
    }

    [Fact]
    public async Task UpdateLog_DuplicateAfterArchive_AnswersAckWithoutError()
    {
        var (_, client, taskId) = await RunningTaskAsync();
        await UpdateLogAsync(client, taskId, 0, ["a", "b"], noMore: true);

        var reply = await UpdateLogAsync(client, taskId, 0, ["a", "b"], noMore: true);

        Assert.Equal(200, reply.StatusCode);
        Assert.Equal(2, reply.Message!.AckIndex);
    }

    [Fact]
    public async Task UpdateLog_TaskOfAnotherRunner_InternalInvalidRunner()
    {
        var (_, _, taskId) = await RunningTaskAsync();
        var (_, other) = NewRunner(["docker"]);

        var reply = await UpdateLogAsync(other, taskId, 0, ["intruder"]);

        AssertError(reply, 500, ConnectCode.Internal, "invalid runner for task");
        Assert.Empty(Forge.GetTask(taskId).LogRows);
    }

    [Fact]
    public async Task UpdateLog_AfterUserCancel_StillAccepted()
    {
        var (_, client, taskId) = await RunningTaskAsync();
        Forge.CancelTask(taskId);

        var reply = await UpdateLogAsync(client, taskId, 0, ["cancelled"]);

        Assert.Equal(1, reply.Message!.AckIndex);
    }

    [Fact]
    public async Task Journal_LogThenFinalState_FinalStateRecordedAfterFinalRows()
    {
        var (_, client, taskId) = await RunningTaskAsync();

        await UpdateLogAsync(client, taskId, 0, ["last"], noMore: true);
        await UpdateTaskAsync(client, new TaskState { Id = taskId, Result = Result.Success });

        var kinds = Forge.GetTask(taskId).Journal.Select(e => e.Kind).ToList();
        Assert.True(kinds.IndexOf(FakeTaskEventKind.LogArchived) < kinds.IndexOf(FakeTaskEventKind.FinalState));
        Assert.True(kinds.LastIndexOf(FakeTaskEventKind.LogAppended) < kinds.IndexOf(FakeTaskEventKind.FinalState));
    }

    private async Task<(FakeRunner Runner, ConnectTestClient Client, long TaskId)> RunningTaskAsync()
    {
        var (runner, client) = NewRunner(["docker"]);
        var task = await AssignTaskAsync(client);
        return (runner, client, task.Id);
    }
}
