using System.Collections.Immutable;

namespace KubeRunner.Agent.Configuration;

/// <summary>
/// The values actually set (in config.yaml or by deprecated environment variables), keyed by full
/// path, before defaults are applied, plus the line each key or list item was found on so later
/// checks can point at it. An absent value means "use the default".
/// </summary>
internal sealed class ConfigValues
{
    private readonly Dictionary<string, object> _values = new(StringComparer.Ordinal);
    private readonly Dictionary<string, int> _lines = new(StringComparer.Ordinal);

    public void Set(string path, object value) => _values[path] = value;

    /// <summary>Records where <paramref name="path"/> (a key, or a list item such as <c>runner.labels[2]</c>) was written.</summary>
    public void SetLine(string path, int line) => _lines[path] = line;

    public int? LineOf(string path) => _lines.TryGetValue(path, out var line) ? line : null;

    public string? String(string path) => Get<string>(path);

    public bool? Boolean(string path) => _values.TryGetValue(path, out var value) ? (bool)value : null;

    public int? Integer(string path) => _values.TryGetValue(path, out var value) ? (int)value : null;

    public TimeSpan? Duration(string path) => _values.TryGetValue(path, out var value) ? (TimeSpan)value : null;

    public long? Size(string path) => _values.TryGetValue(path, out var value) ? (long)value : null;

    public ImmutableArray<string>? List(string path) => _values.TryGetValue(path, out var value) ? (ImmutableArray<string>)value : null;

    public ImmutableSortedDictionary<string, string>? Map(string path) => Get<ImmutableSortedDictionary<string, string>>(path);

    public ImmutableSortedDictionary<string, DockerProfile>? Profiles(string path) => Get<ImmutableSortedDictionary<string, DockerProfile>>(path);

    public ImmutableSortedDictionary<string, KubernetesProfile>? KubernetesProfiles(string path) => Get<ImmutableSortedDictionary<string, KubernetesProfile>>(path);

    private T? Get<T>(string path)
        where T : class => _values.TryGetValue(path, out var value) ? (T)value : null;
}
