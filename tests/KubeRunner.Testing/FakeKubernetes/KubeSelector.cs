using k8s;
using k8s.Models;

namespace KubeRunner.Testing.FakeKubernetes;

/// <summary>
/// Label and field selectors as the API server reads them: <c>a=b</c>, <c>a==b</c>, <c>a!=b</c>,
/// <c>a in (b,c)</c>, <c>a notin (b)</c>, <c>a</c> and <c>!a</c>, joined by commas; fields only
/// <c>metadata.name</c> and <c>metadata.namespace</c> with = or !=.
/// </summary>
internal static class KubeSelector
{
    public static Func<IKubernetesObject<V1ObjectMeta>, bool> Parse(string? labelSelector, string? fieldSelector)
    {
        var labels = ParseLabels(labelSelector);
        var fields = ParseFields(fieldSelector);
        return item => labels.All(test => test(item.Metadata.Labels ?? new Dictionary<string, string>()))
            && fields.All(test => test(item.Metadata));
    }

    private static List<Func<IDictionary<string, string>, bool>> ParseLabels(string? selector)
    {
        var tests = new List<Func<IDictionary<string, string>, bool>>();
        foreach (var term in SplitTerms(selector))
        {
            if (TrySet(term, " notin ", out var key, out var values))
            {
                tests.Add(labels => !labels.TryGetValue(key, out var v) || !values.Contains(v));
            }
            else if (TrySet(term, " in ", out key, out values))
            {
                tests.Add(labels => labels.TryGetValue(key, out var v) && values.Contains(v));
            }
            else if (term.Contains("!=", StringComparison.Ordinal))
            {
                var (k, v) = Split(term, "!=");
                tests.Add(labels => !labels.TryGetValue(k, out var actual) || actual != v);
            }
            else if (term.Contains('=', StringComparison.Ordinal))
            {
                var (k, v) = Split(term, term.Contains("==", StringComparison.Ordinal) ? "==" : "=");
                tests.Add(labels => labels.TryGetValue(k, out var actual) && actual == v);
            }
            else if (term.StartsWith('!'))
            {
                var k = term[1..].Trim();
                tests.Add(labels => !labels.ContainsKey(k));
            }
            else
            {
                tests.Add(labels => labels.ContainsKey(term));
            }
        }

        return tests;
    }

    private static List<Func<V1ObjectMeta, bool>> ParseFields(string? selector)
    {
        var tests = new List<Func<V1ObjectMeta, bool>>();
        foreach (var term in SplitTerms(selector))
        {
            var negate = term.Contains("!=", StringComparison.Ordinal);
            var (field, value) = Split(term, negate ? "!=" : term.Contains("==", StringComparison.Ordinal) ? "==" : "=");
            Func<V1ObjectMeta, string?> read = field switch
            {
                "metadata.name" => meta => meta.Name,
                "metadata.namespace" => meta => meta.NamespaceProperty,
                _ => throw KubeApiException.BadRequest($"field label not supported: {field}"),
            };
            tests.Add(meta => (read(meta) == value) != negate);
        }

        return tests;
    }

    // Commas inside "in (a,b)" do not separate terms.
    private static IEnumerable<string> SplitTerms(string? selector)
    {
        if (string.IsNullOrWhiteSpace(selector))
        {
            yield break;
        }

        var depth = 0;
        var start = 0;
        for (var i = 0; i <= selector.Length; i++)
        {
            if (i == selector.Length || (selector[i] == ',' && depth == 0))
            {
                var term = selector[start..i].Trim();
                if (term.Length > 0)
                {
                    yield return term;
                }

                start = i + 1;
            }
            else if (selector[i] == '(')
            {
                depth++;
            }
            else if (selector[i] == ')')
            {
                depth--;
            }
        }
    }

    private static bool TrySet(string term, string op, out string key, out HashSet<string> values)
    {
        var at = term.IndexOf(op, StringComparison.Ordinal);
        if (at < 0)
        {
            key = "";
            values = [];
            return false;
        }

        key = term[..at].Trim();
        values = term[(at + op.Length)..].Trim().TrimStart('(').TrimEnd(')')
            .Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).ToHashSet(StringComparer.Ordinal);
        return true;
    }

    private static (string Key, string Value) Split(string term, string op)
    {
        var at = term.IndexOf(op, StringComparison.Ordinal);
        return (term[..at].Trim(), term[(at + op.Length)..].Trim());
    }
}
