namespace KubeRunner.Agent.Actions;

/// <summary>
/// Path rules of archive extraction: entries lose the archive's single top-level directory and must
/// stay inside the target; nothing is written through a symbolic link.
/// </summary>
internal sealed class ArchivePaths(string root)
{
    private string? _top;

    public string Root { get; } = root;

    /// <summary>
    /// The entry's path below the top-level directory, as segments; empty for the top-level directory
    /// itself. The first entry fixes which directory that is.
    /// </summary>
    /// <exception cref="InvalidDataException">An absolute path, a <c>..</c>, or an entry outside the top-level directory.</exception>
    public string[] Relative(string entryName)
    {
        if (entryName.StartsWith('/'))
        {
            throw new InvalidDataException($"the entry '{entryName}' has an absolute path");
        }

        var segments = entryName.Split('/', StringSplitOptions.RemoveEmptyEntries).Where(segment => segment != ".").ToArray();
        if (segments.Length == 0 || segments.Contains(".."))
        {
            throw new InvalidDataException($"the entry '{entryName}' points outside the action's directory");
        }

        _top ??= segments[0];
        return segments[0] == _top
            ? segments[1..]
            : throw new InvalidDataException($"the entry '{entryName}' is outside the archive's top-level directory '{_top}/'");
    }

    /// <summary>The full path of <paramref name="segments"/>, after checking that no directory on the way is a symbolic link.</summary>
    public string Full(string[] segments, string entryName)
    {
        var path = Root;
        for (var index = 0; index < segments.Length; index++)
        {
            path = Path.Join(path, segments[index]);
            if (index < segments.Length - 1 && new FileInfo(path).LinkTarget is not null)
            {
                throw new InvalidDataException($"the entry '{entryName}' would be written through the symbolic link '{string.Join('/', segments[..(index + 1)])}'");
            }
        }

        return path;
    }

    /// <summary>
    /// True when the link at <paramref name="linkSegments"/> resolves (following the tree's other links,
    /// as the file system will) to a place inside the root. A link that only looks inside, such as
    /// <c>a/..</c> where <c>a</c> is itself a link to <c>.</c>, is caught because links are followed.
    /// </summary>
    public bool LinkStaysInside(string[] linkSegments, string target) =>
        Walk([.. linkSegments[..^1]], target, depth: 0) is not null;

    // Resolves target from the directory given as segments; null when it leaves the root, is
    // absolute, or loops (more than 40 links deep, as Linux gives up at).
    private List<string>? Walk(List<string> directory, string target, int depth)
    {
        if (depth > 40 || target.StartsWith('/'))
        {
            return null;
        }

        var stack = directory;
        foreach (var segment in target.Split('/'))
        {
            if (segment is "" or ".")
            {
                continue;
            }

            if (segment == "..")
            {
                if (stack.Count == 0)
                {
                    return null;
                }

                stack.RemoveAt(stack.Count - 1);
                continue;
            }

            stack.Add(segment);
            if (new FileInfo(Path.Join([Root, .. stack])).LinkTarget is { } next)
            {
                stack.RemoveAt(stack.Count - 1);
                if (Walk(stack, next, depth + 1) is not { } resolved)
                {
                    return null;
                }

                stack = resolved;
            }
        }

        return stack;
    }
}
