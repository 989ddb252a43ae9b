using System.Collections.Concurrent;
using KubeRunner.Protocol.Runner.V1;

namespace KubeRunner.Testing.Tests.FakeForgeTests;

/// <summary>standby.md §4.9 case 15: the conditional claim holds however many fetchers race for the same jobs.</summary>
public sealed class FetchRaceTests : ForgeTestBase
{
    private const int Rounds = 5;
    private const int JobsPerRound = 200;
    private const int FetchersPerRunner = 8;

    [Fact]
    public async Task FetchTask_TwoRunnersRaceOverHttp_EveryJobGetsAtMostOneTaskAndEveryTaskADistinctJob()
    {
        var runners = new[] { NewRunner(["fenced"]), NewRunner(["fenced"]) };
        // Clients are made up front: the test base's client list is not for concurrent use.
        var fetchers = runners.SelectMany(r => Enumerable.Range(0, FetchersPerRunner).Select(_ => (r.Runner, Client: ClientFor(r.Runner)))).ToList();
        var answered = new ConcurrentBag<(long RunnerId, long TaskId)>();
        var calls = 0;

        for (var round = 0; round < Rounds; round++)
        {
            for (var i = 0; i < JobsPerRound; i++)
            {
                Enqueue("fenced");
            }

            // Each fetcher asks until it gets nothing: both runners' calls interleave on the same queue.
            await Task.WhenAll(fetchers.Select(f => Task.Run(async () =>
            {
                while (true)
                {
                    Interlocked.Increment(ref calls);
                    var response = await FetchAsync(f.Client);
                    if (response.Task is null)
                    {
                        return;
                    }

                    answered.Add((f.Runner.Id, response.Task.Id));
                }
            })));
        }

        var tasks = Forge.Tasks;
        Assert.True(calls >= Rounds * JobsPerRound, $"only {calls} calls");
        Assert.Equal(Rounds * JobsPerRound, tasks.Count);
        Assert.Equal(tasks.Count, tasks.Select(t => t.JobId).Distinct().Count());
        Assert.All(Forge.Jobs, j => Assert.Equal(1, tasks.Count(t => t.JobId == j.Id)));
        // Every task the forge made was answered to exactly the runner it was bound to.
        Assert.Equal(tasks.Count, answered.Count);
        Assert.All(answered, a => Assert.Equal(Forge.GetTask(a.TaskId).RunnerId, a.RunnerId));
        Assert.Equal(answered.Count, answered.Select(a => a.TaskId).Distinct().Count());
        Assert.All(tasks, t => Assert.Equal(Result.Unspecified, t.Result));
    }
}
