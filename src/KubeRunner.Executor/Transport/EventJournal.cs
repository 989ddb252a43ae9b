using Google.Protobuf;
using Google.Protobuf.WellKnownTypes;
using KubeRunner.Protocol.Executor.V1;

namespace KubeRunner.Executor.Transport;

/// <summary>
/// Every event the executor produces, numbered, kept until the agent acknowledges it. Rows are
/// numbered one by one and sent in batches. Memory is bounded: beyond the limit, new events go to a
/// spill file in the job's temp directory and come back into memory, in order, as acknowledgements
/// free room. So a job whose agent is away for minutes keeps running and loses nothing.
/// </summary>
internal sealed class EventJournal : IDisposable
{
    public const int MaxRowsPerBatch = 1000;
    public const int MaxBatchBytes = 512 * 1024;

    private readonly Lock _lock = new();
    private readonly List<Event> _memory = [];
    private readonly string _spillPath;
    private readonly long _memoryLimit;
    private readonly TimeProvider _time;
    private LogRows? _pendingRows;
    private int _pendingBytes;
    private long _memoryBytes;
    private FileStream? _spill;
    private long _spillReadOffset;
    private long _spilledEvents;
    private TaskCompletionSource _changed = NewSignal();

    public EventJournal(string spillDirectory, TimeProvider time, long memoryLimitBytes = 32 * 1024 * 1024)
    {
        _spillPath = Path.Combine(spillDirectory, $"kube-runner-events-{Environment.ProcessId}.spill");
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
                return _memory.Count > 0 ? _memory[0].Seq : NextSeq - (ulong)_spilledEvents;
            }
        }
    }

    public bool AllAcknowledged
    {
        get
        {
            lock (_lock)
            {
                return _pendingRows is null && _memory.Count == 0 && _spilledEvents == 0;
            }
        }
    }

    /// <summary>Bytes of events waiting in the spill file (for tests and diagnostics).</summary>
    public long SpilledEvents
    {
        get
        {
            lock (_lock)
            {
                return _spilledEvents;
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

    /// <summary>Events from <paramref name="seq"/> on that are ready to send (those in memory).</summary>
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
                _memoryBytes -= _memory[drop].CalculateSize();
                drop++;
            }

            _memory.RemoveRange(0, drop);
            if (_memory.Count == 0 && _spilledEvents > 0)
            {
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
            _spill?.Dispose();
            _spill = null;
            File.Delete(_spillPath);
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
        var size = e.CalculateSize();
        if (_spilledEvents > 0 || (_memoryBytes + size > _memoryLimit && _memory.Count > 0))
        {
            _spill ??= new FileStream(_spillPath, FileMode.Create, FileAccess.ReadWrite, FileShare.None, 64 * 1024);
            _spill.Seek(0, SeekOrigin.End);
            e.WriteDelimitedTo(_spill);
            _spilledEvents++;
        }
        else
        {
            _memory.Add(e);
            _memoryBytes += size;
        }

        SignalLocked();
        return e.Seq;
    }

    private void RefillLocked()
    {
        _spill!.Flush();
        _spill.Seek(_spillReadOffset, SeekOrigin.Begin);
        while (_spilledEvents > 0 && _memoryBytes < _memoryLimit / 2)
        {
            var e = Event.Parser.ParseDelimitedFrom(_spill);
            _memory.Add(e);
            _memoryBytes += e.CalculateSize();
            _spilledEvents--;
        }

        _spillReadOffset = _spill.Position;
        if (_spilledEvents == 0)
        {
            _spill.SetLength(0);
            _spillReadOffset = 0;
        }
    }

    private void SignalLocked()
    {
        var signal = _changed;
        _changed = NewSignal();
        signal.TrySetResult();
    }
}
