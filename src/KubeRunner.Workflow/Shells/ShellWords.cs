using System.Text;

namespace KubeRunner.Workflow.Shells;

/// <summary>
/// Splits a command line into words with POSIX shell quoting (no expansion): single quotes keep
/// everything literally, double quotes let a backslash escape <c>$ ` " \</c> and newline, and outside
/// quotes a backslash escapes any character. Adjacent quoted and unquoted parts form one word.
/// </summary>
public static class ShellWords
{
    /// <exception cref="FormatException">A quote is not closed or the line ends in a lone backslash.</exception>
    public static List<string> Split(string line) =>
        TrySplit(line, out var error) ?? throw new FormatException($"cannot split '{line}' into words: {error}");

    public static List<string>? TrySplit(string line) => TrySplit(line, out _);

    private static List<string>? TrySplit(string line, out string? error)
    {
        var words = new List<string>();
        var word = new StringBuilder();
        var inWord = false;
        error = null;
        for (var i = 0; i < line.Length; i++)
        {
            var c = line[i];
            switch (c)
            {
                case ' ' or '\t' or '\n' or '\r':
                    if (inWord)
                    {
                        words.Add(word.ToString());
                        word.Clear();
                        inWord = false;
                    }

                    continue;
                case '\'':
                    var close = line.IndexOf('\'', i + 1);
                    if (close < 0)
                    {
                        error = "unterminated single quote";
                        return null;
                    }

                    word.Append(line, i + 1, close - i - 1);
                    i = close;
                    break;
                case '"':
                    if (!ReadDoubleQuoted(line, ref i, word))
                    {
                        error = "unterminated double quote";
                        return null;
                    }

                    break;
                case '\\':
                    if (i + 1 >= line.Length)
                    {
                        error = "unterminated backslash";
                        return null;
                    }

                    // A backslash-newline joins lines and adds nothing, not even an empty word.
                    if (line[++i] == '\n')
                    {
                        continue;
                    }

                    word.Append(line[i]);
                    break;
                default:
                    word.Append(c);
                    break;
            }

            inWord = true;
        }

        if (inWord)
        {
            words.Add(word.ToString());
        }

        return words;
    }

    private static bool ReadDoubleQuoted(string line, ref int i, StringBuilder word)
    {
        for (i++; i < line.Length; i++)
        {
            var c = line[i];
            if (c == '"')
            {
                return true;
            }

            if (c == '\\' && i + 1 < line.Length && line[i + 1] is '$' or '`' or '"' or '\\' or '\n')
            {
                i++;
                if (line[i] != '\n')
                {
                    word.Append(line[i]);
                }

                continue;
            }

            word.Append(c);
        }

        return false;
    }
}
