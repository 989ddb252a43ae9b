using System.Runtime.InteropServices;
using System.Threading.Channels;

namespace KubeRunner.Executor.Processes;

/// <summary>
/// The read end of a child's output pipe as a read-only stream. .NET has no asynchronous,
/// cancellable read for an arbitrary pipe fd, so a dedicated thread polls the pipe (and a wake-up
/// pipe, to stop it) and hands chunks over a bounded channel: reads are cancellable, memory is
/// bounded and no thread-pool thread sits in a blocking read for the length of a step.
/// </summary>
internal sealed class PipeOutputStream : Stream
{
    private const int ChunkSize = 64 * 1024;

    // What End still takes from the pipe before it stops delivering: enough for anything written
    // before the step ended, bounded so that a background process printing without pause cannot
    // hold the step open.
    private const int FinalDrainBytes = 4 * 1024 * 1024;

    private readonly Channel<byte[]> _chunks = Channel.CreateBounded<byte[]>(
        new BoundedChannelOptions(16) { SingleReader = true, SingleWriter = true, FullMode = BoundedChannelFullMode.Wait });

    private readonly Lock _gate = new();
    private readonly int _fd;
    private readonly int _wakeRead;
    private readonly int _wakeWrite;
    private volatile bool _discarding;
    private volatile bool _endRequested;
    private volatile bool _disposing;
    private bool _closed;
    private byte[]? _current;
    private int _offset;

    /// <summary>Takes ownership of <paramref name="fd"/>.</summary>
    public PipeOutputStream(int fd)
    {
        _fd = fd;
        (_wakeRead, _wakeWrite) = OutputPipe.Create();
        new Thread(Pump) { IsBackground = true, Name = $"output of fd {fd}" }.Start();
    }

    public override bool CanRead => true;

    public override bool CanSeek => false;

    public override bool CanWrite => false;

    public override long Length => throw new NotSupportedException();

    public override long Position
    {
        get => throw new NotSupportedException();
        set => throw new NotSupportedException();
    }

    /// <summary>
    /// Ends the stream early: what is already in the pipe is still returned (so the last lines a
    /// step printed before it exited are never lost to a race with the pump), then reads return 0.
    /// The pipe is still drained and the data discarded, so that processes left behind by the
    /// step neither block on a full pipe nor die of SIGPIPE, until they close it or this
    /// stream is disposed.
    /// </summary>
    public void End()
    {
        _endRequested = true;
        Wake();
    }

    public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
    {
        if (buffer.IsEmpty)
        {
            return 0;
        }

        while (_current is null || _offset == _current.Length)
        {
            if (!await _chunks.Reader.WaitToReadAsync(cancellationToken))
            {
                return 0;
            }

            if (_chunks.Reader.TryRead(out _current))
            {
                _offset = 0;
            }
        }

        var count = Math.Min(buffer.Length, _current.Length - _offset);
        _current.AsMemory(_offset, count).CopyTo(buffer);
        _offset += count;
        return count;
    }

    public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
        ReadAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

    public override int Read(byte[] buffer, int offset, int count) =>
        ReadAsync(buffer.AsMemory(offset, count)).AsTask().GetAwaiter().GetResult();

    public override void Flush()
    {
    }

    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

    public override void SetLength(long value) => throw new NotSupportedException();

    public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();

    protected override void Dispose(bool disposing)
    {
        _disposing = true;
        _discarding = true;
        _chunks.Writer.TryComplete();
        Wake();
        base.Dispose(disposing);
    }

    private unsafe void Wake()
    {
        lock (_gate)
        {
            if (!_closed)
            {
                byte wake = 1;
                _ = LibC.Write(_wakeWrite, &wake, 1);
            }
        }
    }

    private unsafe void Pump()
    {
        var buffer = new byte[ChunkSize];
        var fds = stackalloc LibC.PollFd[2];
        try
        {
            while (true)
            {
                fds[0] = new LibC.PollFd { Fd = _fd, Events = LibC.PollIn };
                fds[1] = new LibC.PollFd { Fd = _wakeRead, Events = LibC.PollIn };
                if (LibC.Poll(fds, 2, -1) < 0)
                {
                    if (Marshal.GetLastPInvokeError() == LibC.EINTR)
                    {
                        continue;
                    }

                    return;
                }

                if (fds[1].REvents != 0)
                {
                    byte wake;
                    _ = LibC.Read(_wakeRead, &wake, 1);
                    if (_disposing)
                    {
                        return;
                    }

                    if (_endRequested && !_discarding)
                    {
                        if (!DrainAvailable(buffer))
                        {
                            return;
                        }

                        _discarding = true;
                        _chunks.Writer.TryComplete();
                    }

                    continue;
                }

                if (fds[0].REvents == 0)
                {
                    continue;
                }

                nint count;
                fixed (byte* target = buffer)
                {
                    count = LibC.Read(_fd, target, buffer.Length);
                }

                if (count < 0)
                {
                    var errno = Marshal.GetLastPInvokeError();
                    if (errno is LibC.EINTR or LibC.EAGAIN)
                    {
                        continue;
                    }

                    return;
                }

                if (count == 0)
                {
                    return;
                }

                if (!_discarding)
                {
                    Deliver(buffer.AsSpan(0, (int)count).ToArray());
                }
            }
        }
        finally
        {
            _chunks.Writer.TryComplete();
            lock (_gate)
            {
                _closed = true;
                _ = LibC.Close(_fd);
                _ = LibC.Close(_wakeRead);
                _ = LibC.Close(_wakeWrite);
            }
        }
    }

    /// <summary>Delivers what the pipe holds right now, up to <see cref="FinalDrainBytes"/>.</summary>
    /// <returns>False when the pipe is closed or broken (the pump ends).</returns>
    private unsafe bool DrainAvailable(byte[] buffer)
    {
        var fd = new LibC.PollFd { Fd = _fd, Events = LibC.PollIn };
        for (var drained = 0; drained < FinalDrainBytes;)
        {
            fd.REvents = 0;
            if (LibC.Poll(&fd, 1, 0) <= 0 || fd.REvents == 0)
            {
                return true;
            }

            nint count;
            fixed (byte* target = buffer)
            {
                count = LibC.Read(_fd, target, buffer.Length);
            }

            if (count <= 0)
            {
                return count < 0 && Marshal.GetLastPInvokeError() is LibC.EINTR or LibC.EAGAIN;
            }

            Deliver(buffer.AsSpan(0, (int)count).ToArray());
            drained += (int)count;
        }

        return true;
    }

    private void Deliver(byte[] chunk)
    {
        if (_chunks.Writer.TryWrite(chunk))
        {
            return;
        }

        try
        {
            // Blocks this dedicated thread while the reader is behind; End and Dispose complete
            // the channel, which releases the wait.
            _chunks.Writer.WriteAsync(chunk).AsTask().GetAwaiter().GetResult();
        }
        catch (ChannelClosedException)
        {
        }
    }
}
