using Google.Protobuf;
using KubeRunner.Protocol.Executor.V1;

namespace KubeRunner.Executor.Transport;

/// <summary>
/// The journal's events beyond its memory limit, in sequence order, length-delimited in a file of
/// the job's temp directory. Events leave from the head when the journal takes them back into
/// memory; they can also be read ahead for sending without being kept, so that the agent receives
/// them at the speed of the stream, not of the acknowledgements (which wait for the forge).
/// Not thread-safe: the journal calls it under its lock.
/// </summary>
internal sealed class SpillFile(string path) : IDisposable
{
    private FileStream? _file;
    private long _headOffset;
    private ulong _headSeq;
    private long _aheadOffset;
    private ulong _aheadSeq;

    /// <summary>Events in the file.</summary>
    public long Count { get; private set; }

    /// <summary>The sequence number of the first event in the file (meaningful when <see cref="Count"/> &gt; 0).</summary>
    public ulong FirstSeq => _headSeq;

    public void Append(Event e)
    {
        _file ??= new FileStream(path, FileMode.Create, FileAccess.ReadWrite, FileShare.None, 64 * 1024);
        if (Count == 0)
        {
            _headSeq = e.Seq;
        }

        _file.Seek(0, SeekOrigin.End);
        e.WriteDelimitedTo(_file);
        Count++;
    }

    /// <summary>Removes events from the head, in order, while <paramref name="more"/> says so.</summary>
    public IEnumerable<Event> TakeWhile(Func<bool> more)
    {
        if (Count == 0)
        {
            yield break;
        }

        _file!.Flush();
        _file.Seek(_headOffset, SeekOrigin.Begin);
        while (Count > 0 && more())
        {
            var e = Event.Parser.ParseDelimitedFrom(_file);
            _headOffset = _file.Position;
            _headSeq = e.Seq + 1;
            Count--;
            yield return e;
        }

        if (Count == 0)
        {
            // Everything is back in memory: start the file over instead of letting it grow.
            _file.SetLength(0);
            _headOffset = 0;
            _aheadOffset = 0;
            _aheadSeq = 0;
        }
    }

    /// <summary>
    /// Reads events from <paramref name="seq"/> on without removing them, up to <paramref name="max"/>
    /// events or about <paramref name="budgetBytes"/> of encoded size. A sender reading on where it
    /// stopped continues from there; any other <paramref name="seq"/> (a resend after a reconnect)
    /// starts again at the head.
    /// </summary>
    public List<Event> ReadAhead(ulong seq, int max, long budgetBytes)
    {
        var events = new List<Event>();
        if (Count == 0 || seq >= _headSeq + (ulong)Count)
        {
            return events;
        }

        if (_aheadSeq < _headSeq || _aheadSeq > seq)
        {
            _aheadSeq = _headSeq;
            _aheadOffset = _headOffset;
        }

        _file!.Flush();
        _file.Seek(_aheadOffset, SeekOrigin.Begin);
        var end = _headSeq + (ulong)Count;
        long bytes = 0;
        while (_aheadSeq < end && events.Count < max && bytes < budgetBytes)
        {
            var e = Event.Parser.ParseDelimitedFrom(_file);
            _aheadOffset = _file.Position;
            _aheadSeq = e.Seq + 1;
            if (e.Seq >= seq)
            {
                events.Add(e);
                bytes += e.CalculateSize();
            }
        }

        return events;
    }

    public void Dispose()
    {
        _file?.Dispose();
        _file = null;
        File.Delete(path);
    }
}
