using Google.Protobuf.WellKnownTypes;
using KubeRunner.Protocol.Executor.V1;

namespace KubeRunner.Executor.Transport;

/// <summary>
/// Every event the executor produces, numbered, kept until the agent acknowledges it. Rows are
/// numbered one by one and sent in batches. Memory is bounded: beyond the limit, new events go to a
/// spill file in the job's temp directory and come back into memory, in order, as acknowledgements
/// free room. So a job whose agent is away for minutes keeps running and loses nothing. Spilled
/// events are sent straight from the file: the agent acknowledges only what the forge has stored,
/// about once a second, and sending no further than memory would cap a busy step's log at the
/// memory limit per second.
/// </summary>
internal sealed class EventJournal : IDisposable
{
    public const int MaxRowsPerBatch = 1000;
    public const int MaxBatchBytes = 512 * 1024;

    // Encoded bytes read from the spill file per call of From; short rows take about six times more heap.
    private const int ReadAheadBytes = 256 * 1024;

    private readonly Lock _lock = new();
    private readonly List<Event> _memory = [];
    private readonly SpillFile _spill;
    private readonly long _memoryLimit;
    private readonly TimeProvider _time;
    private LogRows? _pendingRows;
    private int _pendingBytes;
    private long _memoryBytes;
    private TaskCompletionSource _changed = NewSignal();

    public EventJournal(string spillDirectory, TimeProvider time, long memoryLimitBytes = 4 * 1024 * 1024)
    {
        _spill = new SpillFile(Path.Combine(spillDirectory, $"kube-runner-events-{Environment.ProcessId}.spill"));
        _memoryLimit = memoryLimitBytes;
        _time = time;
    }

    /// <summary>The sequence number the next event gets.</summary>
    public ulong NextSeq { get; private set; }

    /// <summary>Rows numbered so far.</summary>
    public ulong Rows { get; private set; }

    /// <summary>The oldest event not yet acknowledged (= <see cref="NextSeq"/> when all are).</summary>
    public ulong FirstUnacknowledged
    {
        get
        {
            lock (_lock)
            {
                return _memory.Count > 0 ? _memory[0].Seq : NextSeq - (ulong)_spill.Count;
            }
        }
    }

    public bool AllAcknowledged
    {
        get
        {
            lock (_lock)
            {
                return _pendingRows is null && _memory.Count == 0 && _spill.Count == 0;
            }
        }
    }

    /// <summary>Events held in memory (for tests and diagnostics).</summary>
    public int EventsInMemory
    {
        get
        {
            lock (_lock)
            {
                return _memory.Count;
            }
        }
    }

    /// <summary>Events waiting in the spill file (for tests and diagnostics).</summary>
    public long SpilledEvents
    {
        get
        {
            lock (_lock)
            {
                return _spill.Count;
            }
        }
    }

    /// <summary>Adds a row; it goes out with the next batch.</summary>
    /// <returns>The row's number.</returns>
    public ulong AppendRow(int step, string content)
    {
        lock (_lock)
        {
            _pendingRows ??= new LogRows { FirstRow = Rows };
            _pendingRows.Rows.Add(new ExecutorLogRow { Time = Now(), Content = content, Step = step });
            _pendingBytes += content.Length + 16;
            if (_pendingRows.Rows.Count >= MaxRowsPerBatch || _pendingBytes >= MaxBatchBytes)
            {
                FlushRowsLocked();
            }

            return Rows++;
        }
    }

    /// <summary>Adds an event after the rows before it.</summary>
    public ulong Append(Event e)
    {
        lock (_lock)
        {
            FlushRowsLocked();
            return AppendLocked(e);
        }
    }

    /// <summary>Turns the rows gathered so far into an event, so that they can be sent.</summary>
    public void FlushRows()
    {
        lock (_lock)
        {
            FlushRowsLocked();
        }
    }

    /// <summary>
    /// Events from <paramref name="seq"/> on that are ready to send: those in memory, then spilled ones
    /// read from the file (a small part at a time, which the caller drops once sent).
    /// </summary>
    public List<Event> From(ulong seq, int max)
    {
        lock (_lock)
        {
            var result = new List<Event>();
            foreach (var e in _memory)
            {
                if (e.Seq >= seq && result.Count < max)
                {
                    result.Add(e);
                }
            }

            if (result.Count < max)
            {
                var after = result.Count > 0 ? result[^1].Seq + 1 : seq;
                result.AddRange(_spill.ReadAhead(after, max - result.Count, ReadAheadBytes));
            }

            return result;
        }
    }

    /// <summary>Forgets every event below <paramref name="nextSeq"/>.</summary>
    public void Acknowledge(ulong nextSeq)
    {
        lock (_lock)
        {
            var drop = 0;
            while (drop < _memory.Count && _memory[drop].Seq < nextSeq)
            {
                _memoryBytes -= MemoryCost(_memory[drop]);
                drop++;
            }

            _memory.RemoveRange(0, drop);
            if (_memory.Count == 0 && _spill.Count > 0)
            {
                // Spilled events sent ahead may be acknowledged already: they never come back.
                foreach (var _ in _spill.TakeWhile(() => _spill.FirstSeq < nextSeq))
                {
                }

                RefillLocked();
            }

            SignalLocked();
        }
    }

    /// <summary>Completes on the next change (new events or acknowledgements).</summary>
    public Task WaitForChangeAsync()
    {
        lock (_lock)
        {
            return _changed.Task;
        }
    }

    public void Dispose()
    {
        lock (_lock)
        {
            _spill.Dispose();
        }
    }

    private static TaskCompletionSource NewSignal() => new(TaskCreationOptions.RunContinuationsAsynchronously);

    private Timestamp Now() => Timestamp.FromDateTimeOffset(_time.GetUtcNow());

    private void FlushRowsLocked()
    {
        if (_pendingRows is null)
        {
            return;
        }

        var rows = _pendingRows;
        _pendingRows = null;
        _pendingBytes = 0;
        AppendLocked(new Event { Rows = rows });
    }

    private ulong AppendLocked(Event e)
    {
        e.Seq = NextSeq++;
        e.Time ??= Now();
        var size = MemoryCost(e);
        if (_spill.Count > 0 || (_memoryBytes + size > _memoryLimit && _memory.Count > 0))
        {
            _spill.Append(e);
        }
        else
        {
            _memory.Add(e);
            _memoryBytes += size;
        }

        SignalLocked();
        return e.Seq;
    }

    /// <summary>
    /// What an event costs on the heap, which for short rows is several times its encoded size: each row
    /// is a message, a timestamp and a UTF-16 string. Counting encoded bytes let a job printing short
    /// lines faster than the agent took them hold five times the limit in memory.
    /// </summary>
    private static long MemoryCost(Event e)
    {
        const int RowObjects = 112; // ExecutorLogRow + Timestamp + string header + list slot, 64-bit
        const int EventObjects = 128;
        if (e.Rows is not { } rows)
        {
            return EventObjects + (2L * e.CalculateSize());
        }

        var cost = (long)EventObjects;
        foreach (var row in rows.Rows)
        {
            cost += RowObjects + (2L * row.Content.Length);
        }

        return cost;
    }

    private void RefillLocked()
    {
        foreach (var e in _spill.TakeWhile(() => _memoryBytes < _memoryLimit / 2))
        {
            _memory.Add(e);
            _memoryBytes += MemoryCost(e);
        }
    }

    private void SignalLocked()
    {
        var signal = _changed;
        _changed = NewSignal();
        signal.TrySetResult();
    }
}
