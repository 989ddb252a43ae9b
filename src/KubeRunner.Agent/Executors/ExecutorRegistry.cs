using System.Collections.Concurrent;

namespace KubeRunner.Agent.Executors;

/// <summary>The executor sessions of the tasks this agent runs, found by task id and token.</summary>
internal sealed class ExecutorRegistry
{
    private readonly ConcurrentDictionary<long, ExecutorSession> _sessions = new();

    public void Add(ExecutorSession session)
    {
        if (!_sessions.TryAdd(session.TaskId, session))
        {
            throw new InvalidOperationException($"task {session.TaskId} already has an executor session");
        }
    }

    /// <summary>The session of <paramref name="taskId"/> if <paramref name="token"/> is that task's token.</summary>
    public ExecutorSession? Find(long taskId, string? token) =>
        _sessions.TryGetValue(taskId, out var session) && session.Accepts(token) ? session : null;

    public void Remove(ExecutorSession session) => _sessions.TryRemove(new KeyValuePair<long, ExecutorSession>(session.TaskId, session));

    public int Count => _sessions.Count;
}
