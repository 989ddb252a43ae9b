using System.Collections.Concurrent;
using System.Text;

namespace KubeRunner.Testing.FakeKubernetes;

/// <summary>What each container of each pod has written, as <c>pods/{name}/log</c> serves it.</summary>
internal sealed class PodLogs
{
    private readonly ConcurrentDictionary<(string Namespace, string Pod, string Container), StringBuilder> _logs = new();

    public void Append(string ns, string pod, string container, string text)
    {
        var log = _logs.GetOrAdd((ns, pod, container), _ => new StringBuilder());
        lock (log)
        {
            log.Append(text);
        }
    }

    public string Read(string ns, string pod, string container)
    {
        if (!_logs.TryGetValue((ns, pod, container), out var log))
        {
            return "";
        }

        lock (log)
        {
            return log.ToString();
        }
    }
}
