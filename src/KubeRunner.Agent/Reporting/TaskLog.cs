using Google.Protobuf.WellKnownTypes;
using KubeRunner.Protocol.Runner.V1;
using KubeRunner.Workflow.Logging;

namespace KubeRunner.Agent.Reporting;

/// <summary>
/// A task's rows from the first one Forgejo has not acknowledged to the last one produced, each with
/// its absolute index. Rows pass the masker on the way in; a row is <em>sealed</em> (final, sendable)
/// once no multi-line secret can still end below it. Not thread-safe: the reporter locks around it.
/// </summary>
internal sealed class TaskLog(SecretMasker masker, int maxRowLength)
{
    private readonly List<PendingRow> _pending = [];
    private readonly List<LogRow> _sealed = [];
    private readonly List<int> _sealedSizes = [];
    private int _head;

    /// <summary>Rows produced so far: the index the next row gets.</summary>
    public long Total { get; private set; }

    /// <summary>Rows Forgejo has confirmed storing (its last <c>ack_index</c>).</summary>
    public long Acknowledged { get; private set; }

    /// <summary>Rows that are final and may be sent.</summary>
    public long SealedEnd => Total - _pending.Count;

    public long UnsentSealedRows => SealedEnd - Acknowledged;

    public long UnsentSealedBytes { get; private set; }

    /// <summary>Bytes (as sent, protobuf size) of every row Forgejo has confirmed since this log began.</summary>
    public long AcknowledgedBytes { get; private set; }

    /// <summary>Appends a row and returns its absolute index.</summary>
    public long Append(string content, DateTimeOffset time)
    {
        if (content.Length > maxRowLength)
        {
            // A single enormous row would exceed any request limit of a proxy in front of Forgejo.
            content = string.Concat(content.AsSpan(0, maxRowLength), $" … [row cut: {content.Length - maxRowLength} more characters]");
        }

        _pending.Add(new PendingRow(content, time));
        masker.MaskSpanEndingAtLast(_pending);
        // A secret of n lines that ends in a later row starts in one of the last n-1 rows: keep those open.
        var keepOpen = masker.MaxLines - 1;
        if (_pending.Count > keepOpen)
        {
            Seal(_pending.Count - keepOpen);
        }

        return Total++;
    }

    /// <summary>Starts numbering at <paramref name="rows"/>, which the forge already holds (an adopted task).</summary>
    public void ResumeAt(long rows)
    {
        if (Total > 0)
        {
            throw new InvalidOperationException("only an empty log can resume at a given row");
        }

        Total = rows;
        Acknowledged = rows;
    }

    /// <summary>Seals every row: no more rows will come.</summary>
    public void SealAll() => Seal(_pending.Count);

    /// <summary>The next batch to send: sealed rows from the acknowledged index, within the caps.</summary>
    /// <returns>The absolute index of the first row, and the rows (none when everything is acknowledged).</returns>
    public (long Index, List<LogRow> Rows) NextBatch(int maxRows, int maxBytes)
    {
        var rows = new List<LogRow>(Math.Min(maxRows, _sealed.Count - _head));
        var bytes = 0;
        for (var i = _head; i < _sealed.Count && rows.Count < maxRows; i++)
        {
            if (rows.Count > 0 && bytes + _sealedSizes[i] > maxBytes)
            {
                break;
            }

            rows.Add(_sealed[i]);
            bytes += _sealedSizes[i];
        }

        return (Acknowledged, rows);
    }

    /// <summary>Applies Forgejo's <c>ack_index</c>.</summary>
    public AckOutcome Acknowledge(long ack)
    {
        if (ack < Acknowledged)
        {
            return AckOutcome.Backwards;
        }

        var outcome = ack > SealedEnd ? AckOutcome.BeyondSent : AckOutcome.Accepted;
        var drop = (int)(Math.Min(ack, SealedEnd) - Acknowledged);
        for (var i = _head; i < _head + drop; i++)
        {
            UnsentSealedBytes -= _sealedSizes[i];
            AcknowledgedBytes += _sealedSizes[i];
        }

        _head += drop;
        Acknowledged += drop;
        if (_head > 4096 && _head > _sealed.Count / 2)
        {
            _sealed.RemoveRange(0, _head);
            _sealedSizes.RemoveRange(0, _head);
            _head = 0;
        }

        return outcome;
    }

    private void Seal(int count)
    {
        for (var i = 0; i < count; i++)
        {
            var row = new LogRow { Time = Timestamp.FromDateTimeOffset(_pending[i].Time), Content = masker.MaskRow(_pending[i].Content) };
            var size = row.CalculateSize();
            _sealed.Add(row);
            _sealedSizes.Add(size);
            UnsentSealedBytes += size;
        }

        _pending.RemoveRange(0, count);
    }
}

internal enum AckOutcome
{
    Accepted,

    /// <summary>Forgejo confirms fewer rows than before: rows it had confirmed are lost on its side.</summary>
    Backwards,

    /// <summary>Forgejo confirms rows this runner has not sent.</summary>
    BeyondSent,
}
