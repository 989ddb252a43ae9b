using System.Threading.Channels;
using k8s.Models;

namespace KubeRunner.Agent.Backends.Kubernetes.Watching;

/// <summary>What the cluster shows of one task: its Job and the Job's pod, as last seen.</summary>
/// <param name="JobGone">The Job was seen and then deleted (by someone else, or by its TTL).</param>
internal sealed record TaskSnapshot(V1Job? Job, V1Pod? Pod, bool JobGone)
{
    public static readonly TaskSnapshot Nothing = new(null, null, false);
}

/// <summary>
/// One task's view of its namespace's shared watch: the latest snapshot, and a signal on every change.
/// Only the newest snapshot matters, so changes that arrive faster than they are read are folded.
/// </summary>
internal sealed class TaskWatch : IDisposable
{
    private readonly Channel<TaskSnapshot> _changes = Channel.CreateBounded<TaskSnapshot>(new BoundedChannelOptions(1)
    {
        FullMode = BoundedChannelFullMode.DropOldest,
        SingleReader = true,
    });

    private readonly Action<TaskWatch> _unsubscribe;

    public TaskWatch(long taskId, Action<TaskWatch> unsubscribe)
    {
        TaskId = taskId;
        _unsubscribe = unsubscribe;
    }

    public long TaskId { get; }

    public TaskSnapshot Current { get; private set; } = TaskSnapshot.Nothing;

    /// <summary>Completes once the namespace's first list is in, so that <see cref="Current"/> reflects the cluster.</summary>
    public Task Listed { get; init; } = Task.CompletedTask;

    public ChannelReader<TaskSnapshot> Changes => _changes.Reader;

    internal void Offer(TaskSnapshot snapshot)
    {
        Current = snapshot;
        _changes.Writer.TryWrite(snapshot);
    }

    public void Dispose() => _unsubscribe(this);
}
