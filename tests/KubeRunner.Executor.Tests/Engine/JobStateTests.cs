using KubeRunner.Executor.Engine;

namespace KubeRunner.Executor.Tests.Engine;

public sealed class JobStateTests
{
    [Fact]
    public void Status_SeenFromACallbackRegisteredAfterTheJobsOwn_IsAlreadyCancelled()
    {
        // A token runs its callbacks last-registered first: a step's wait, registered after the job
        // tied its status to the token, resumes before anything the job registered could run.
        using var cancel = new CancellationTokenSource();
        var state = new JobState();
        state.CancelWith(() => "The job was cancelled.", cancel.Token);
        (JobStatus, string?) seen = default;
        using var step = cancel.Token.Register(() => seen = (state.Status, state.CancelReason));

        cancel.Cancel();

        Assert.Equal((JobStatus.Cancelled, "The job was cancelled."), seen);
    }

    [Fact]
    public void CancelReason_AskedAgainAfterAnotherCause_KeepsTheFirstAnswer()
    {
        using var cancel = new CancellationTokenSource();
        var state = new JobState();
        var reason = "The job was cancelled.";
        state.CancelWith(() => reason, cancel.Token);
        Assert.Null(state.CancelReason);

        cancel.Cancel();
        var first = state.CancelReason;
        reason = "a timeout that fired later";

        Assert.Equal("The job was cancelled.", first);
        Assert.Equal(first, state.CancelReason);
    }

    [Fact]
    public void Status_FailedThenCancelled_IsCancelled()
    {
        using var cancel = new CancellationTokenSource();
        var state = new JobState { Status = JobStatus.Failure };
        state.CancelWith(() => "stop", cancel.Token);
        Assert.Equal(JobStatus.Failure, state.Status);

        cancel.Cancel();

        Assert.Equal(JobStatus.Cancelled, state.Status);
    }
}
