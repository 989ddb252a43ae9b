namespace KubeRunner.Workflow.Commands;

/// <summary>
/// A workflow command printed by a step, <c>::name key=value,key=value::value</c> (runner-behaviour.md §6.9).
/// Property values are escaped with <c>%25 %0D %0A %3A %2C</c>, the data with <c>%25 %0D %0A</c>.
/// </summary>
public sealed record WorkflowCommand(string Name, IReadOnlyDictionary<string, string> Properties, string Value)
{
    private static readonly IReadOnlyDictionary<string, string> NoProperties = new Dictionary<string, string>();

    /// <summary>Parses one output line (without its line terminator).</summary>
    /// <returns>null when the line is not a command.</returns>
    public static WorkflowCommand? TryParse(string line)
    {
        ArgumentNullException.ThrowIfNull(line);
        if (!line.StartsWith("::", StringComparison.Ordinal))
        {
            return null;
        }

        // The name runs to the first space (properties follow) or to the "::" that opens the value.
        var rest = line.AsSpan(2);
        var close = rest.IndexOf("::", StringComparison.Ordinal);
        if (close <= 0)
        {
            return null;
        }

        var space = rest[..close].IndexOf(' ');
        var name = space < 0 ? rest[..close] : rest[..space];
        if (name.IsEmpty || name.Contains(':'))
        {
            return null;
        }

        var properties = space < 0 ? NoProperties : ParseProperties(rest[(space + 1)..close]);
        var value = UnescapeData(rest[(close + 2)..].ToString());
        return new WorkflowCommand(name.ToString(), properties, value);
    }

    private static Dictionary<string, string> ParseProperties(ReadOnlySpan<char> text)
    {
        var properties = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        foreach (var range in text.Split(','))
        {
            var pair = text[range].Trim();
            var equals = pair.IndexOf('=');
            if (equals > 0)
            {
                properties[pair[..equals].ToString()] = UnescapeProperty(pair[(equals + 1)..].ToString());
            }
        }

        return properties;
    }

    private static string UnescapeData(string value) =>
        value.Contains('%', StringComparison.Ordinal)
            ? value.Replace("%0D", "\r", StringComparison.OrdinalIgnoreCase).Replace("%0A", "\n", StringComparison.OrdinalIgnoreCase).Replace("%25", "%", StringComparison.Ordinal)
            : value;

    private static string UnescapeProperty(string value) =>
        value.Contains('%', StringComparison.Ordinal)
            ? UnescapeData(value.Replace("%3A", ":", StringComparison.OrdinalIgnoreCase).Replace("%2C", ",", StringComparison.OrdinalIgnoreCase))
            : value;
}
