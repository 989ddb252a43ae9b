using System.Collections;
using System.Globalization;

namespace KubeRunner.Agent.Diagnostics;

/// <summary>
/// The logging scope of one task's work: every entry logged while it is open (by any class, on any
/// thread the work flows to) carries <c>TaskId</c>. Console output shows it as <c>=&gt; TaskId:42</c>,
/// the form ASP.NET Core's own scopes (<c>ConnectionId:…</c>) have; structured sinks get the property.
/// </summary>
internal sealed class TaskLogScope(long taskId) : IReadOnlyList<KeyValuePair<string, object?>>
{
    public const string Key = "TaskId";

    public long TaskId => taskId;

    public int Count => 1;

    public KeyValuePair<string, object?> this[int index] => index == 0 ? new(Key, taskId) : throw new ArgumentOutOfRangeException(nameof(index));

    public IEnumerator<KeyValuePair<string, object?>> GetEnumerator()
    {
        yield return this[0];
    }

    IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();

    public override string ToString() => string.Create(CultureInfo.InvariantCulture, $"{Key}:{taskId}");
}
