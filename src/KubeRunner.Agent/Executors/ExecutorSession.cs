using System.Threading.Channels;
using KubeRunner.Protocol.Executor.V1;

namespace KubeRunner.Agent.Executors;

/// <summary>
/// One task's executor as the agent sees it: the job it may fetch, the relay its events go to, the
/// attachment (at most one stream at a time; a new one supersedes the old, as after a network
/// change), the cancel request and the job's final result.
/// </summary>
internal sealed class ExecutorSession : IDisposable
{
    private readonly Lock _lock = new();
    private readonly byte[] _tokenHash;
    private readonly TaskCompletionSource<JobFinished> _finished = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly TaskCompletionSource _firstAttach = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private Channel<AgentMessage>? _outbox;
    private CancellationTokenSource? _attachment;
    private string? _cancelReason;
    private ulong _lastAck;

    public ExecutorSession(ForgeTask task, JobSettings settings, byte[] tokenHash, TaskRelay relay)
    {
        Task = task;
        Settings = settings;
        _tokenHash = tokenHash;
        Relay = relay;
        relay.Acknowledge = SendAck;
    }

    public long TaskId => Task.Id;

    public ForgeTask Task { get; }

    public JobSettings Settings { get; }

    public TaskRelay Relay { get; }

    public byte[] TokenHash => _tokenHash;

    /// <summary>The job container on the Docker backend, for Docker actions; null elsewhere (or before it exists).</summary>
    public Backends.Docker.JobContainerHandle? JobContainer { get; set; }

    /// <summary>Completes when the executor reports the job's result.</summary>
    public Task<JobFinished> Finished => _finished.Task;

    /// <summary>Completes when an executor first attaches.</summary>
    public Task FirstAttach => _firstAttach.Task;

    public bool IsAttached
    {
        get
        {
            lock (_lock)
            {
                return _outbox is not null;
            }
        }
    }

    public bool Accepts(string? token) => ExecutorToken.Matches(token, _tokenHash);

    /// <summary>Asks the executor to cancel the job; it runs what must run after a cancel and reports.</summary>
    public void RequestCancel(string reason)
    {
        lock (_lock)
        {
            _cancelReason ??= reason;
            _outbox?.Writer.TryWrite(new AgentMessage { Cancel = new Cancel { Reason = reason } });
        }
    }

    /// <summary>Starts an attachment; an older one is cut off.</summary>
    /// <returns>The messages to write to the executor, and a token that fires when this attachment is superseded.</returns>
    public (ChannelReader<AgentMessage> Outbox, CancellationToken Superseded) Attach()
    {
        lock (_lock)
        {
            _attachment?.Cancel();
            _attachment?.Dispose();
            _attachment = new CancellationTokenSource();
            _outbox?.Writer.TryComplete();
            _outbox = Channel.CreateUnbounded<AgentMessage>(new UnboundedChannelOptions { SingleReader = true });
            if (_lastAck > 0)
            {
                _outbox.Writer.TryWrite(new AgentMessage { Ack = new Ack { NextSeq = _lastAck } });
            }

            if (_cancelReason is not null)
            {
                _outbox.Writer.TryWrite(new AgentMessage { Cancel = new Cancel { Reason = _cancelReason } });
            }

            _firstAttach.TrySetResult();
            return (_outbox.Reader, _attachment.Token);
        }
    }

    public void Detach(ChannelReader<AgentMessage> outbox)
    {
        lock (_lock)
        {
            if (_outbox?.Reader == outbox)
            {
                _outbox.Writer.TryComplete();
                _outbox = null;
            }
        }
    }

    public void Finish(JobFinished finished) => _finished.TrySetResult(finished);

    public void Dispose()
    {
        lock (_lock)
        {
            _outbox?.Writer.TryComplete();
            _attachment?.Cancel();
            _attachment?.Dispose();
            _attachment = null;
        }
    }

    private void SendAck(ulong nextSeq)
    {
        lock (_lock)
        {
            if (nextSeq <= _lastAck)
            {
                return;
            }

            _lastAck = nextSeq;
            _outbox?.Writer.TryWrite(new AgentMessage { Ack = new Ack { NextSeq = nextSeq } });
        }
    }
}
