using KubeRunner.Workflow.Expressions;

namespace KubeRunner.Workflow.Model;

/// <summary>
/// Expands an (already evaluated) <c>strategy.matrix</c> into its combinations with GitHub's rules:
/// the cross product of the vectors in key order (first key varies slowest), minus the combinations an
/// <c>exclude</c> entry matches on all of its keys; then each <c>include</c> entry is merged into every
/// combination whose original values it does not change, or added as a combination of its own.
/// </summary>
public static class MatrixExpander
{
    /// <exception cref="MatrixException">The matrix does not have the shape GitHub accepts.</exception>
    public static IReadOnlyList<ExpressionObject> Expand(ExpressionValue matrix)
    {
        ArgumentNullException.ThrowIfNull(matrix);
        if (matrix.Kind != ExpressionKind.Object)
        {
            throw new MatrixException($"the matrix must be a mapping, got {matrix.ToJson(indented: false)}");
        }

        var vectors = new List<KeyValuePair<string, IReadOnlyList<ExpressionValue>>>();
        List<ExpressionObject> includes = [], excludes = [];
        foreach (var (key, value) in matrix.AsObject)
        {
            if (key.Equals("include", StringComparison.OrdinalIgnoreCase))
            {
                includes = Filters(value, "include");
            }
            else if (key.Equals("exclude", StringComparison.OrdinalIgnoreCase))
            {
                excludes = Filters(value, "exclude");
            }
            else if (value.Kind == ExpressionKind.Array)
            {
                vectors.Add(new(key, value.AsArray));
            }
            else
            {
                throw new MatrixException($"matrix key '{key}' must be a list of values, got {value.ToJson(indented: false)}");
            }
        }

        var vectorKeys = new HashSet<string>(vectors.Select(v => v.Key), StringComparer.OrdinalIgnoreCase);
        foreach (var key in excludes.SelectMany(e => e.Keys).Where(k => !vectorKeys.Contains(k)))
        {
            // GitHub fails here (while an unknown include key simply adds a value).
            throw new MatrixException($"matrix exclude key '{key}' does not match any key within the matrix");
        }

        if (vectors.Count == 0 && includes.Count == 0)
        {
            return [new ExpressionObject()];
        }

        var combinations = CrossProduct(vectors).Where(c => !excludes.Any(e => Matches(c, e, keys: null))).ToList();
        var originals = combinations.Count;
        foreach (var include in includes)
        {
            var merged = false;
            // Only combinations of the product take include values; ones added by an include do not.
            for (var i = 0; i < originals; i++)
            {
                if (Matches(combinations[i], include, vectorKeys))
                {
                    Merge(combinations[i], include);
                    merged = true;
                }
            }

            if (!merged)
            {
                var added = new ExpressionObject();
                Merge(added, include);
                combinations.Add(added);
            }
        }

        return combinations;
    }

    private static List<ExpressionObject> CrossProduct(List<KeyValuePair<string, IReadOnlyList<ExpressionValue>>> vectors)
    {
        // No vectors means no product: a matrix of only includes has just the included combinations.
        if (vectors.Count == 0)
        {
            return [];
        }

        IEnumerable<List<KeyValuePair<string, ExpressionValue>>> product = [[]];
        foreach (var (key, values) in vectors)
        {
            product = product.SelectMany(partial => values.Select(v => new List<KeyValuePair<string, ExpressionValue>>(partial) { new(key, v) })).ToList();
        }

        return [.. product.Select(members =>
        {
            var combination = new ExpressionObject();
            foreach (var (key, value) in members)
            {
                combination[key] = value;
            }

            return combination;
        })];
    }

    /// <summary>Whether every key of <paramref name="filter"/> (limited to <paramref name="keys"/>) has an equal value in the combination.</summary>
    private static bool Matches(ExpressionObject combination, ExpressionObject filter, HashSet<string>? keys) =>
        filter.All(f => (keys is not null && !keys.Contains(f.Key))
            || (combination.TryGetValue(f.Key, out var value) && ValueEquality.DeepEquals(value, f.Value)));

    private static void Merge(ExpressionObject target, ExpressionObject source)
    {
        foreach (var (key, value) in source)
        {
            target[key] = value;
        }
    }

    private static List<ExpressionObject> Filters(ExpressionValue value, string name)
    {
        if (value.Kind != ExpressionKind.Array)
        {
            throw new MatrixException($"matrix {name} must be a list of mappings, got {value.ToJson(indented: false)}");
        }

        return [.. value.AsArray.Select(item => item.Kind == ExpressionKind.Object
            ? item.AsObject
            : throw new MatrixException($"each matrix {name} entry must be a mapping, got {item.ToJson(indented: false)}"))];
    }
}

/// <summary>A matrix that cannot be expanded; the message says why.</summary>
public sealed class MatrixException : Exception
{
    public MatrixException()
    {
    }

    public MatrixException(string message)
        : base(message)
    {
    }

    public MatrixException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
