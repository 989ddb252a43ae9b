using System.Collections;
using System.Diagnostics.CodeAnalysis;

namespace KubeRunner.Workflow.Expressions;

/// <summary>
/// The members of an object value: insertion-ordered, keys looked up case-insensitively (GitHub's
/// <c>github.Event_Name</c> is <c>github.event_name</c>). Setting an existing key replaces its value
/// and keeps its place.
/// </summary>
public sealed class ExpressionObject : IEnumerable<KeyValuePair<string, ExpressionValue>>
{
    private readonly Dictionary<string, int> _index = new(StringComparer.OrdinalIgnoreCase);
    private readonly List<KeyValuePair<string, ExpressionValue>> _members = [];

    public int Count => _members.Count;

    public IEnumerable<string> Keys => _members.Select(m => m.Key);

    public IEnumerable<ExpressionValue> Values => _members.Select(m => m.Value);

    public ExpressionValue this[string key]
    {
        get => TryGetValue(key, out var value) ? value : ExpressionValue.Null;
        set
        {
            ArgumentNullException.ThrowIfNull(key);
            ArgumentNullException.ThrowIfNull(value);
            if (_index.TryGetValue(key, out var at))
            {
                _members[at] = new(_members[at].Key, value);
            }
            else
            {
                _index[key] = _members.Count;
                _members.Add(new(key, value));
            }
        }
    }

    public bool TryGetValue(string key, [MaybeNullWhen(false)] out ExpressionValue value)
    {
        if (_index.TryGetValue(key, out var at))
        {
            value = _members[at].Value;
            return true;
        }

        value = null;
        return false;
    }

    public bool ContainsKey(string key) => _index.ContainsKey(key);

    public IEnumerator<KeyValuePair<string, ExpressionValue>> GetEnumerator() => _members.GetEnumerator();

    IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();
}
