using KubeRunner.Agent.Forge;
using KubeRunner.Agent.Reporting;
using KubeRunner.Agent.Tests.TestSupport;
using KubeRunner.Protocol.Runner.V1;
using Microsoft.Extensions.Logging;

namespace KubeRunner.Agent.Tests.Reporting;

/// <summary>Acknowledgements a correct Forgejo never sends, answered by a scripted forge.</summary>
public sealed class TaskReporterAckTests
{
    [Fact]
    public async Task CompleteAsync_ForgeAckGoesBackwards_LogsAnErrorAndStillSendsTheFinalState()
    {
        // First answer: all 3 rows stored. Then the forge claims to have only 1.
        var forge = new ScriptedForge(acks: [3, 1]);
        var logger = new CapturingLogger();
        await using var reporter = new TaskReporter(1, 0, [], false, forge, Reporters.Fast with { MaxRetries = 2, MaxRowsPerRequest = 3 }, TimeProvider.System, logger);

        reporter.Log("a");
        reporter.Log("b");
        reporter.Log("c");
        var delivered = await reporter.CompleteAsync(Result.Success, null, CancellationToken.None);

        Assert.False(delivered);
        var error = logger.Entries.First(e => e.Level == LogLevel.Error);
        Assert.Contains("lost on the forge", error.Message, StringComparison.Ordinal);
        Assert.Contains("now confirms 1 log rows after having confirmed 3", error.Message, StringComparison.Ordinal);
        Assert.Equal(Result.Success, Assert.Single(forge.FinalStates));
    }

    private sealed class ScriptedForge(long[] acks) : IRunnerService
    {
        private int _call;

        public List<Result> FinalStates { get; } = [];

        public Task<DeclareResponse> DeclareAsync(DeclareRequest request, CancellationToken cancellationToken) => throw new NotSupportedException();

        public Task<FetchTaskResponse> FetchTaskAsync(FetchTaskRequest request, string requestKey, TimeSpan deadline, CancellationToken cancellationToken) =>
            throw new NotSupportedException();

        public Task<UpdateLogResponse> UpdateLogAsync(UpdateLogRequest request, CancellationToken cancellationToken) =>
            Task.FromResult(new UpdateLogResponse { AckIndex = acks[Math.Min(_call++, acks.Length - 1)] });

        public Task<UpdateTaskResponse> UpdateTaskAsync(UpdateTaskRequest request, CancellationToken cancellationToken)
        {
            if (request.State.Result != Result.Unspecified)
            {
                FinalStates.Add(request.State.Result);
            }

            return Task.FromResult(new UpdateTaskResponse { State = new TaskState { Id = request.State.Id } });
        }
    }
}
