namespace KubeRunner.Workflow.Files;

/// <summary>
/// Reads <c>GITHUB_ENV</c> / <c>GITHUB_OUTPUT</c> / <c>GITHUB_STATE</c> content: <c>NAME=value</c>
/// lines and <c>NAME&lt;&lt;DELIM</c> … <c>DELIM</c> heredocs, as forgejo-runner does.
/// </summary>
public static class EnvFile
{
    /// <summary>The entries in file order; a name written twice appears twice (the caller decides who wins).</summary>
    /// <exception cref="EnvFileException">A line has neither form, or a heredoc is not closed.</exception>
    public static IReadOnlyList<KeyValuePair<string, string>> Parse(string content)
    {
        ArgumentNullException.ThrowIfNull(content);
        var lines = SplitLines(content);
        var entries = new List<KeyValuePair<string, string>>();
        for (var i = 0; i < lines.Count; i++)
        {
            var line = lines[i];
            if (string.IsNullOrWhiteSpace(line))
            {
                continue;
            }

            var equals = line.IndexOf('=', StringComparison.Ordinal);
            var heredoc = line.IndexOf("<<", StringComparison.Ordinal);
            // Whichever marker comes first decides, so `A=x<<y` is a plain value and `A<<EOF=` a heredoc.
            if (equals >= 0 && (heredoc < 0 || equals < heredoc))
            {
                entries.Add(new(Name(line[..equals], i), line[(equals + 1)..]));
            }
            else if (heredoc >= 0)
            {
                var name = Name(line[..heredoc], i);
                var delimiter = line[(heredoc + 2)..];
                if (delimiter.Length == 0)
                {
                    throw new EnvFileException($"line {i + 1}: the value of {name} has an empty heredoc delimiter");
                }

                var end = lines.FindIndex(i + 1, l => l == delimiter);
                if (end < 0)
                {
                    throw new EnvFileException($"the value of {name} started at line {i + 1} has no closing delimiter '{delimiter}'");
                }

                entries.Add(new(name, string.Join('\n', lines.Skip(i + 1).Take(end - i - 1))));
                i = end;
            }
            else
            {
                throw new EnvFileException($"line {i + 1}: expected NAME=value or NAME<<DELIMITER, got '{line}'");
            }
        }

        return entries;
    }

    private static string Name(string name, int index) =>
        name.Length > 0 ? name : throw new EnvFileException($"line {index + 1}: the name before '=' or '<<' is empty");

    /// <summary>Lines without their terminators; a CR before LF is dropped as Go's line scanner does.</summary>
    internal static List<string> SplitLines(string content)
    {
        var lines = content.Split('\n').Select(l => l.EndsWith('\r') ? l[..^1] : l).ToList();
        if (lines.Count > 0 && lines[^1].Length == 0)
        {
            // The newline ending the last line does not start another one.
            lines.RemoveAt(lines.Count - 1);
        }

        return lines;
    }
}

/// <summary>An environment file cannot be read; the message names the line.</summary>
public sealed class EnvFileException : Exception
{
    public EnvFileException()
    {
    }

    public EnvFileException(string message)
        : base(message)
    {
    }

    public EnvFileException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
