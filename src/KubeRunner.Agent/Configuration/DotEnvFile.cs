using System.Text;

namespace KubeRunner.Agent.Configuration;

/// <summary>
/// Parses the dotenv file named by <c>runner.env_file</c>: <c>KEY=VALUE</c> lines (<c>KEY: VALUE</c>
/// is accepted too, as godotenv does for forgejo-runner), blank lines, <c>#</c> comments, an optional
/// <c>export </c> prefix, single-quoted values taken literally and double-quoted values with
/// backslash escapes (<c>\n</c>, <c>\t</c>, <c>\"</c>, ...). Unquoted values end at a <c>#</c> that
/// follows whitespace. Later lines override earlier ones.
/// </summary>
internal static class DotEnvFile
{
    public static IReadOnlyDictionary<string, string> Parse(string text, string? fileName = null)
    {
        var entries = new Dictionary<string, string>(StringComparer.Ordinal);
        var lines = text.ReplaceLineEndings("\n").Split('\n');
        for (var index = 0; index < lines.Length; index++)
        {
            var line = lines[index].Trim();
            if (line.Length == 0 || line[0] == '#')
            {
                continue;
            }

            var problem = TryParseLine(line, out var key, out var value);
            if (problem is not null)
            {
                throw ConfigException.At(fileName ?? "env file", index + 1, null, problem);
            }

            entries[key] = value;
        }

        return entries;
    }

    private static string? TryParseLine(string line, out string key, out string value)
    {
        key = value = "";
        if (line.StartsWith("export ", StringComparison.Ordinal))
        {
            line = line["export ".Length..].TrimStart();
        }

        var separator = line.IndexOfAny(['=', ':']);
        if (separator < 0)
        {
            return $"expected KEY=VALUE, found '{line}'";
        }

        key = line[..separator].Trim();
        if (key.Length == 0 || key.Any(c => char.IsWhiteSpace(c) || c is '"' or '\'' or '#'))
        {
            return $"'{key}' is not a variable name (expected KEY=VALUE)";
        }

        var remainder = line[(separator + 1)..];
        var rest = remainder.TrimStart();
        if (rest.Length > 0 && rest[0] is '"' or '\'')
        {
            return TryParseQuoted(rest, key, out value);
        }

        value = Unquoted(remainder);
        return null;
    }

    // A '#' starts a comment only after whitespace, so values such as "a#b" or "#x" survive.
    private static string Unquoted(string remainder)
    {
        for (var index = 1; index < remainder.Length; index++)
        {
            if (remainder[index] == '#' && char.IsWhiteSpace(remainder[index - 1]))
            {
                return remainder[..index].Trim();
            }
        }

        return remainder.Trim();
    }

    private static string? TryParseQuoted(string rest, string key, out string value)
    {
        var quote = rest[0];
        var builder = new StringBuilder();
        var position = 1;
        for (; position < rest.Length && rest[position] != quote; position++)
        {
            var c = rest[position];
            if (quote == '"' && c == '\\' && position + 1 < rest.Length)
            {
                position++;
                builder.Append(rest[position] switch { 'n' => '\n', 'r' => '\r', 't' => '\t', var other => other });
            }
            else
            {
                builder.Append(c);
            }
        }

        value = builder.ToString();
        if (position >= rest.Length)
        {
            return $"value of {key} has no closing {quote} (values cannot span lines)";
        }

        var after = rest[(position + 1)..].Trim();
        return after.Length == 0 || after[0] == '#' ? null : $"unexpected '{after}' after the quoted value of {key}";
    }
}
