using KubeRunner.Agent.Standby.Claims;
using KubeRunner.Agent.Standby.ForgeApi;
using Microsoft.Extensions.Time.Testing;

namespace KubeRunner.Agent.Tests.Standby.Claims;

/// <summary>
/// A claimed job stays taken until a list asked for after the claim's answer still shows it waiting: a jobs poll
/// that went out while the claim was on its way may predate the forge's assignment, and must not lead to a second
/// FetchTask for the same job (which could bring another job that has not waited its grace).
/// </summary>
public sealed class WaitingJobBookClaimTests
{
    private static readonly TimeSpan Grace = TimeSpan.FromSeconds(2);
    private static readonly WaitingJob Job = new("handle-1", 1, "handle-1", 1, "build", ["fenced"]);

    [Fact]
    public void Update_ListAskedWhileTheClaimWasOnItsWay_KeepsTheJobTaken()
    {
        var (time, book, target) = Claimed();
        var asked = time.GetTimestamp();
        time.Advance(TimeSpan.FromMilliseconds(20));
        book.HandedOut(target);
        time.Advance(TimeSpan.FromMilliseconds(20));

        book.Update([Job], asked);

        Assert.Null(book.Take(Grace));
    }

    [Fact]
    public void Update_ListAnsweredBeforeTheClaimWas_KeepsTheJobTaken()
    {
        var (time, book, _) = Claimed();
        time.Advance(TimeSpan.FromMilliseconds(20));

        book.Update([Job], time.GetTimestamp());

        Assert.Null(book.Take(Grace));
    }

    [Fact]
    public void Update_ListAskedAfterTheClaimBroughtATask_StillWaiting_TheTaskWasAnotherJobSoItIsClaimableAgain()
    {
        var (time, book, target) = Claimed();
        book.HandedOut(target);
        time.Advance(TimeSpan.FromMilliseconds(20));

        book.Update([Job], time.GetTimestamp());

        Assert.Equal(Job, book.Take(Grace)?.Job);
    }

    /// <summary>A book whose one job waited out the grace and was just taken for a claim.</summary>
    private static (FakeTimeProvider Time, WaitingJobBook Book, ClaimTarget Target) Claimed()
    {
        var time = new FakeTimeProvider();
        var book = new WaitingJobBook(time);
        book.Update([Job]);
        time.Advance(Grace + TimeSpan.FromSeconds(1));
        var target = book.Take(Grace) ?? throw new InvalidOperationException("the job is due");
        return (time, book, target);
    }
}
