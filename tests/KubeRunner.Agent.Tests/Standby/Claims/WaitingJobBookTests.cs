using KubeRunner.Agent.Standby.Claims;
using Microsoft.Extensions.Time.Testing;
using static KubeRunner.Agent.Tests.Standby.StandbyBed;

namespace KubeRunner.Agent.Tests.Standby.Claims;

/// <summary>Waiting jobs aged from first sight, claimed oldest first, backing off when the forge hands out nothing.</summary>
public sealed class WaitingJobBookTests
{
    private static readonly TimeSpan Grace = TimeSpan.FromSeconds(10);

    private readonly FakeTimeProvider _time = new();
    private readonly WaitingJobBook _book;

    public WaitingJobBookTests() => _book = new WaitingJobBook(_time);

    [Fact]
    public void Update_NewJobs_AgeFromFirstSight()
    {
        _book.Update([Job(1)]);
        _time.Advance(TimeSpan.FromSeconds(7));
        _book.Update([Job(1), Job(2)]);
        _time.Advance(TimeSpan.FromSeconds(3));

        Assert.Equal(2, _book.Count);
        Assert.Equal(TimeSpan.FromSeconds(10), _book.OldestAge);
        var first = _book.Take(Grace);
        Assert.Equal(1, first!.Job.Id);
        Assert.Equal(TimeSpan.FromSeconds(10), first.Age);
        // Job 2 is 3 s old, whatever the forge's clock says: only this agent's first sight counts.
        Assert.Null(_book.Take(Grace));
    }

    [Fact]
    public void Update_JobGone_ForgottenAndFreshIfSeenAgain()
    {
        _book.Update([Job(1), Job(2)]);
        _time.Advance(TimeSpan.FromSeconds(20));
        _book.Update([Job(2)]);

        Assert.Equal(1, _book.Count);
        _book.Update([Job(1), Job(2)]);
        Assert.Equal(2, _book.Take(Grace)!.Job.Id);
        Assert.Null(_book.Take(Grace));
        Assert.Equal(Grace, _book.NextDue(Grace));
    }

    [Fact]
    public void Update_NewAttemptOfAJob_IsANewJob()
    {
        _book.Update([Job(1, attempt: 1)]);
        _time.Advance(TimeSpan.FromSeconds(20));
        _book.Update([Job(1, attempt: 1) with { Key = "handle-1-attempt-2", Attempt = 2 }]);

        Assert.Null(_book.Take(Grace));
    }

    [Fact]
    public void Clear_ForgetsAllAges()
    {
        _book.Update([Job(1)]);
        _time.Advance(TimeSpan.FromSeconds(20));

        _book.Clear();
        _book.Update([Job(1)]);

        Assert.Equal(TimeSpan.Zero, _book.OldestAge);
        Assert.Null(_book.Take(Grace));
    }

    [Fact]
    public void Empty_NoAgeNothingToTakeNothingDue()
    {
        Assert.Equal(0, _book.Count);
        Assert.Null(_book.OldestAge);
        Assert.Null(_book.Take(TimeSpan.Zero));
        Assert.Null(_book.NextDue(Grace));
    }

    [Fact]
    public void Take_OldestFirstEachOnce()
    {
        _book.Update([Job(3)]);
        _time.Advance(TimeSpan.FromSeconds(1));
        _book.Update([Job(2), Job(3), Job(1)]);
        _time.Advance(TimeSpan.FromSeconds(20));

        Assert.Equal(3, _book.Take(Grace)!.Job.Id);
        // Seen at the same moment: by id, for a stable order.
        Assert.Equal(1, _book.Take(Grace)!.Job.Id);
        Assert.Equal(2, _book.Take(Grace)!.Job.Id);
        Assert.Null(_book.Take(Grace));
    }

    [Fact]
    public void Take_TakenJob_NotAgainWhileItsClaimIsOnItsWay()
    {
        _book.Update([Job(1)]);
        _time.Advance(TimeSpan.FromSeconds(20));
        Assert.NotNull(_book.Take(Grace));
        Assert.Null(_book.Take(Grace));
        Assert.Null(_book.NextDue(Grace));

        // A list read while the claim is on its way may predate the forge's assignment.
        _book.Update([Job(1)]);

        Assert.Null(_book.Take(Grace));
    }

    [Fact]
    public void HandedOut_StillWaitingInAListAskedForAfterwards_TakenAgain()
    {
        _book.Update([Job(1)]);
        _time.Advance(TimeSpan.FromSeconds(20));
        var target = _book.Take(Grace)!;
        var askedBefore = _time.GetTimestamp();
        _time.Advance(TimeSpan.FromSeconds(1));
        _book.HandedOut(target);

        _book.Update([Job(1)], askedBefore);
        Assert.Null(_book.Take(Grace));
        _time.Advance(TimeSpan.FromSeconds(1));
        // Still waiting in a list asked for after the claim brought a task: that task was another job.
        _book.Update([Job(1)]);

        var again = _book.Take(Grace);
        Assert.Equal(1, again!.Job.Id);
        Assert.Equal(TimeSpan.FromSeconds(22), again.Age);
    }

    [Fact]
    public void NotHandedOut_BacksOffDoublingThenGivesUp()
    {
        _book.Update([Job(1)]);
        _time.Advance(Grace);
        var waits = new List<TimeSpan>();
        for (var tries = 0; tries < WaitingJobBook.MaxTries; tries++)
        {
            var target = _book.Take(Grace);
            Assert.NotNull(target);
            _book.NotHandedOut(target);
            var due = _book.NextDue(Grace);
            if (due is null)
            {
                break;
            }

            waits.Add(due.Value);
            _time.Advance(due.Value - TimeSpan.FromMilliseconds(1));
            Assert.Null(_book.Take(Grace));
            _time.Advance(TimeSpan.FromMilliseconds(1));
        }

        Assert.Equal([5, 10, 20, 40], waits.Select(w => w.TotalSeconds));
        Assert.Equal(5, WaitingJobBook.MaxTries);
        _time.Advance(TimeSpan.FromHours(1));
        Assert.Null(_book.Take(Grace));
        Assert.Null(_book.NextDue(Grace));
        Assert.Equal(1, _book.Count);
    }

    [Fact]
    public void NotHandedOut_NewListKeepsTheBackOff()
    {
        _book.Update([Job(1)]);
        _time.Advance(Grace);
        _book.NotHandedOut(_book.Take(Grace)!);

        _book.Update([Job(1)]);

        Assert.Null(_book.Take(Grace));
        Assert.Equal(TimeSpan.FromSeconds(5), _book.NextDue(Grace));
    }

    [Fact]
    public void NotHandedOut_JobNoLongerWaiting_Ignored()
    {
        _book.Update([Job(1)]);
        _time.Advance(Grace);
        var target = _book.Take(Grace)!;
        _book.Update([]);

        _book.NotHandedOut(target);

        Assert.Equal(0, _book.Count);
    }

    [Fact]
    public void NextDue_TheSoonestOfGraceAndBackOff()
    {
        _book.Update([Job(1)]);
        _time.Advance(TimeSpan.FromSeconds(3));
        Assert.Equal(TimeSpan.FromSeconds(7), _book.NextDue(Grace));

        _book.Update([Job(1), Job(2)]);
        _time.Advance(TimeSpan.FromSeconds(7));
        _book.NotHandedOut(_book.Take(Grace)!);

        // Job 1 backs off 5 s; job 2 reaches its grace in 3 s.
        Assert.Equal(TimeSpan.FromSeconds(3), _book.NextDue(Grace));
        _time.Advance(TimeSpan.FromSeconds(4));
        Assert.Equal(TimeSpan.Zero, _book.NextDue(Grace));
        Assert.Equal(2, _book.Take(Grace)!.Job.Id);
        Assert.Equal(TimeSpan.FromSeconds(1), _book.NextDue(Grace));
    }

    [Fact]
    public void NextDue_BackOffLongerThanTheGrace_WaitsForTheBackOff()
    {
        _book.Update([Job(1)]);
        _book.NotHandedOut(new ClaimTarget(Job(1), TimeSpan.Zero));

        Assert.Equal(TimeSpan.FromSeconds(5), _book.NextDue(TimeSpan.FromSeconds(2)));
        Assert.Equal(TimeSpan.FromSeconds(10), _book.NextDue(Grace));
    }
}
