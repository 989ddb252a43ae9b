using System.Globalization;
using KubeRunner.Executor.Transport;
using KubeRunner.Protocol.Executor.V1;

namespace KubeRunner.Executor.Tests.Transport;

public sealed class EventJournalTests : IDisposable
{
    private const int Limit = 256 * 1024;
    private readonly DirectoryInfo _temp = Directory.CreateTempSubdirectory("kube-runner-journal-");

    [Fact]
    public void AppendRow_BeyondTheMemoryLimit_SpillsToAFileInTheTempDirectory()
    {
        using var journal = new EventJournal(_temp.FullName, TimeProvider.System, Limit);

        AppendRows(journal, 20_000);

        Assert.True(journal.SpilledEvents > 0, "events beyond the limit go to the spill file");
        var spill = Assert.Single(_temp.GetFiles("*.spill"));
        Assert.True(spill.Length > 0);
    }

    [Fact]
    public void Acknowledge_SpilledEvents_ComeBackOnceEachInOrderAndTheFileIsRemovedOnDispose()
    {
        var journal = new EventJournal(_temp.FullName, TimeProvider.System, Limit);
        AppendRows(journal, 20_000);
        journal.Append(new Event { JobFinished = new JobFinished { Result = KubeRunner.Protocol.Runner.V1.Result.Success } });

        var (rows, events) = DrainInBatches(journal);

        Assert.Equal(Enumerable.Range(0, 20_000).Select(Row), rows);
        Assert.Equal(Enumerable.Range(0, events.Count).Select(i => (ulong)i), events.Select(e => e.Seq));
        Assert.NotNull(events[^1].JobFinished);
        Assert.True(journal.AllAcknowledged);
        Assert.Equal(0, journal.SpilledEvents);
        journal.Dispose();
        Assert.Empty(_temp.GetFiles());
    }

    [Fact]
    public void From_SpilledEvents_AreSentAheadOfAcknowledgementsAndResentFromTheOldestAfterAReconnect()
    {
        using var journal = new EventJournal(_temp.FullName, TimeProvider.System, Limit);
        AppendRows(journal, 20_000);

        // A sender streams everything without waiting for acknowledgements, as far as the spill file goes.
        var sent = SendAll(journal, journal.FirstUnacknowledged);
        Assert.Equal(Enumerable.Range(0, 20_000).Select(Row), sent);
        Assert.True(journal.SpilledEvents > 0, "reading ahead keeps spilled events in the file until acknowledged");

        // The agent acknowledged part of it, then the stream broke: the next attempt resends from the oldest unacknowledged.
        var firstBatch = journal.From(0, 3);
        journal.Acknowledge(firstBatch[^1].Seq + 1);
        var acknowledged = firstBatch.Sum(e => e.Rows.Rows.Count);
        var resent = SendAll(journal, journal.FirstUnacknowledged);
        Assert.Equal(Enumerable.Range(acknowledged, 20_000 - acknowledged).Select(Row), resent);
    }

    [Fact]
    public void AppendRow_ShortRows_HeapHeldStaysNearTheLimit()
    {
        // A row of six characters encodes to about twenty bytes but costs over a hundred on the heap;
        // the limit is about the heap.
        using var journal = new EventJournal(_temp.FullName, TimeProvider.System, Limit);

        AppendRows(journal, 50_000);

        var inMemory = journal.From(0, journal.EventsInMemory).Sum(e => e.Rows?.Rows.Count ?? 0);
        Assert.InRange(inMemory, 1, Limit / 100);
        Assert.True(journal.SpilledEvents > 0);
    }

    [Fact]
    public void AppendRow_RowsAreNumberedOneByOneAcrossBatches()
    {
        using var journal = new EventJournal(_temp.FullName, TimeProvider.System, Limit);

        var numbers = Enumerable.Range(0, EventJournal.MaxRowsPerBatch + 5).Select(i => journal.AppendRow(0, Row(i))).ToList();
        journal.FlushRows();

        Assert.Equal(Enumerable.Range(0, numbers.Count).Select(i => (ulong)i), numbers);
        var batches = journal.From(0, int.MaxValue).Select(e => e.Rows).ToList();
        Assert.Equal([0UL, (ulong)EventJournal.MaxRowsPerBatch], batches.Select(b => b.FirstRow));
        Assert.Equal([EventJournal.MaxRowsPerBatch, 5], batches.Select(b => b.Rows.Count));
    }

    public void Dispose() => _temp.Delete(recursive: true);

    private static string Row(int i) => i.ToString(CultureInfo.InvariantCulture);

    private static void AppendRows(EventJournal journal, int count)
    {
        for (var i = 0; i < count; i++)
        {
            journal.AppendRow(0, Row(i));
        }

        journal.FlushRows();
    }

    /// <summary>Sends from <paramref name="cursor"/> to the end as the link does between acknowledgements.</summary>
    private static List<string> SendAll(EventJournal journal, ulong cursor)
    {
        var rows = new List<string>();
        while (journal.From(cursor, 16) is [_, ..] batch)
        {
            rows.AddRange(batch.SelectMany(e => e.Rows?.Rows.Select(r => r.Content) ?? []));
            cursor = batch[^1].Seq + 1;
        }

        return rows;
    }

    /// <summary>Takes events as the link does: a few at a time from the first unacknowledged, acknowledging each batch.</summary>
    private static (List<string> Rows, List<Event> Events) DrainInBatches(EventJournal journal)
    {
        var rows = new List<string>();
        var events = new List<Event>();
        while (!journal.AllAcknowledged)
        {
            var batch = journal.From(journal.FirstUnacknowledged, 7);
            Assert.NotEmpty(batch);
            events.AddRange(batch);
            rows.AddRange(batch.SelectMany(e => e.Rows?.Rows.Select(r => r.Content) ?? []));
            journal.Acknowledge(batch[^1].Seq + 1);
        }

        return (rows, events);
    }
}
