namespace KubeRunner.Agent.Configuration;

/// <summary>Finds the known key an operator probably meant when config.yaml holds an unknown one.</summary>
internal static class KeySuggestions
{
    /// <summary>
    /// The closest known path: first a sibling whose name is within a few typos (or differs only in
    /// case), then a key of the same name in another section (<c>runner.network</c> →
    /// <c>container.network</c>). Null when nothing is close enough to be a useful hint.
    /// </summary>
    public static string? Suggest(string unknownPath, IEnumerable<string> knownPaths)
    {
        var parent = ParentOf(unknownPath);
        var name = NameOf(unknownPath).ToLowerInvariant();
        var candidates = knownPaths.ToList();

        var closeSibling = candidates
            .Where(path => ParentOf(path) == parent)
            .Select(path => (Path: path, Distance: Distance(name, NameOf(path).ToLowerInvariant())))
            .Where(candidate => candidate.Distance <= Tolerance(name))
            .OrderBy(candidate => candidate.Distance)
            .Select(candidate => candidate.Path)
            .FirstOrDefault();

        return closeSibling ?? candidates.FirstOrDefault(path => NameOf(path).Equals(name, StringComparison.OrdinalIgnoreCase));
    }

    // Short names tolerate one typo, longer ones up to three: "cap" vs "map" is no hint, "capacty" is.
    private static int Tolerance(string name) => Math.Clamp(name.Length / 3, 1, 3);

    private static string? ParentOf(string path) =>
        path.Contains('.', StringComparison.Ordinal) ? path[..path.LastIndexOf('.')] : null;

    private static string NameOf(string path) => path[(path.LastIndexOf('.') + 1)..];

    // Levenshtein distance with two rows.
    private static int Distance(string a, string b)
    {
        var previous = new int[b.Length + 1];
        var current = new int[b.Length + 1];
        for (var j = 0; j <= b.Length; j++)
        {
            previous[j] = j;
        }

        for (var i = 1; i <= a.Length; i++)
        {
            current[0] = i;
            for (var j = 1; j <= b.Length; j++)
            {
                var substitution = previous[j - 1] + (a[i - 1] == b[j - 1] ? 0 : 1);
                current[j] = Math.Min(substitution, Math.Min(previous[j], current[j - 1]) + 1);
            }

            (previous, current) = (current, previous);
        }

        return previous[b.Length];
    }
}
