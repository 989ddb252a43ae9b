using System.Collections;

namespace KubeRunner.Agent.Configuration;

/// <summary>
/// The one place that reads the real process environment. Everything else takes the snapshot as a
/// parameter, so tests control it fully.
/// </summary>
internal static class ProcessEnvironment
{
    public static IReadOnlyDictionary<string, string> Snapshot()
    {
        var snapshot = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (DictionaryEntry entry in Environment.GetEnvironmentVariables())
        {
            snapshot[(string)entry.Key] = entry.Value as string ?? "";
        }

        return snapshot;
    }
}
