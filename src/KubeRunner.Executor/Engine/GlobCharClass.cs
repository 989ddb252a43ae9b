namespace KubeRunner.Executor.Engine;

/// <summary>
/// A bracket expression (<c>[abc]</c>, <c>[a-z]</c>, <c>[!x]</c>) of a hashFiles pattern segment.
/// forgejo-runner's hashFiles script hands such a bracket to a JavaScript regular expression
/// (no <c>u</c> flag), so a class is a set of UTF-16 code units and ranges, a leading <c>!</c> or
/// <c>^</c> negates it, and a class whose ranges run backwards is not a class at all; this type
/// holds the set and answers those two questions the way JavaScript does.
/// </summary>
internal sealed class GlobCharClass
{
    private readonly List<(char Low, char High)> _ranges = [];

    public GlobCharClass(bool negated) => Negated = negated;

    public bool Negated { get; }

    /// <summary>False when a range runs backwards (<c>z-a</c>): JavaScript refuses such a regular expression.</summary>
    public bool IsValid { get; private set; } = true;

    public bool Contains(char c)
    {
        var inSet = false;
        foreach (var (low, high) in _ranges)
        {
            if (low <= c && c <= high)
            {
                inSet = true;
                break;
            }
        }

        // forgejo-runner: "[!]" and "[^]" are JavaScript's negated empty class, which matches any character.
        return inSet != Negated;
    }

    /// <summary>
    /// Builds the class the script's regular expression ends up with: <paramref name="atoms"/> are
    /// its characters in order, each flagged when it is an unescaped <c>-</c> that can join a range.
    /// </summary>
    public static GlobCharClass Build(bool negated, IReadOnlyList<ClassAtom> atoms)
    {
        var result = new GlobCharClass(negated);
        result.IsValid = AddRanges(atoms, result._ranges);
        return result;
    }

    /// <summary>
    /// Whether the raw text between the brackets, as the pattern spells it (with JavaScript's own
    /// escapes), compiles as a JavaScript class. forgejo-runner: when it does not (a backwards range,
    /// say <c>[z-a]</c>), the brackets are taken literally and their content as more pattern.
    /// </summary>
    public static bool IsValidJavaScriptClass(string content)
    {
        // "[]...]" parses in JavaScript as an empty class followed by more expression, not as a class
        // holding ']'; ranges in that rest are plain text, so only the class part is checked (empty here).
        if (content.StartsWith(']'))
        {
            return true;
        }

        var atoms = new List<ClassAtom>();
        for (var i = content.StartsWith('^') ? 1 : 0; i < content.Length; i++)
        {
            var c = content[i];
            if (c == '\\' && i + 1 < content.Length)
            {
                atoms.Add(ReadEscape(content, ref i));
            }
            else
            {
                atoms.Add(new ClassAtom(c, IsDash: c == '-'));
            }
        }

        return AddRanges(atoms, null);
    }

    /// <summary>JavaScript's class grammar: <c>a-b</c> is a range when an atom follows the dash; a dash elsewhere is itself.</summary>
    private static bool AddRanges(IReadOnlyList<ClassAtom> atoms, List<(char Low, char High)>? ranges)
    {
        var valid = true;
        for (var i = 0; i < atoms.Count; i++)
        {
            var low = atoms[i];
            if (i + 2 < atoms.Count && atoms[i + 1].IsDash)
            {
                var high = atoms[i + 2];
                i += 2;

                // Annex B: a range with a class escape (\d, \w, \s) at either end is allowed and means both ends.
                if (low.IsClassEscape || high.IsClassEscape)
                {
                    continue;
                }

                valid &= low.Value <= high.Value;
                ranges?.Add((low.Value, high.Value));
            }
            else if (!low.IsClassEscape)
            {
                ranges?.Add((low.Value, low.Value));
            }
        }

        return valid;
    }

    /// <summary>Reads the JavaScript escape starting at the backslash at <paramref name="i"/>, leaving <paramref name="i"/> on its last character.</summary>
    private static ClassAtom ReadEscape(string text, ref int i)
    {
        var e = text[++i];
        switch (e)
        {
            case 'd' or 'D' or 'w' or 'W' or 's' or 'S':
                return new ClassAtom(e, IsDash: false, IsClassEscape: true);
            case 'b': return new ClassAtom('\b', IsDash: false);
            case 't': return new ClassAtom('\t', IsDash: false);
            case 'n': return new ClassAtom('\n', IsDash: false);
            case 'v': return new ClassAtom('\v', IsDash: false);
            case 'f': return new ClassAtom('\f', IsDash: false);
            case 'r': return new ClassAtom('\r', IsDash: false);
            case 'x' or 'u':
                var digits = e == 'x' ? 2 : 4;
                if (i + digits < text.Length && ushort.TryParse(text.AsSpan(i + 1, digits), System.Globalization.NumberStyles.AllowHexSpecifier, null, out var code))
                {
                    i += digits;
                    return new ClassAtom((char)code, IsDash: false);
                }

                return new ClassAtom(e, IsDash: false);
            case 'c':
                // Annex B: inside a class, \c takes a letter, digit or underscore; otherwise the backslash is itself.
                if (i + 1 < text.Length && (char.IsAsciiLetterOrDigit(text[i + 1]) || text[i + 1] == '_'))
                {
                    return new ClassAtom((char)(text[++i] % 32), IsDash: false);
                }

                i--;
                return new ClassAtom('\\', IsDash: false);
            case >= '0' and <= '7':
                // Annex B legacy octal escape: up to three digits while the value stays within \377.
                var value = e - '0';
                while (i + 1 < text.Length && text[i + 1] is >= '0' and <= '7' && value * 8 + (text[i + 1] - '0') <= 255)
                {
                    value = value * 8 + (text[++i] - '0');
                }

                return new ClassAtom((char)value, IsDash: false);
            default:
                return new ClassAtom(e, IsDash: false);
        }
    }
}

/// <summary>One character of a bracket expression; <see cref="IsDash"/> when it is an unescaped '-' that can form a range.</summary>
internal readonly record struct ClassAtom(char Value, bool IsDash, bool IsClassEscape = false);
