using System.Text;

namespace KubeRunner.Executor.Engine;

/// <summary>
/// One '/'-separated part of a hashFiles pattern and the single file name it matches.
/// forgejo-runner runs GitHub's hashFiles script (@actions/glob over minimatch 3) with dot files
/// matched, braces, extglobs, comments and '!' off inside minimatch, and case-sensitive on Linux, so:
/// <c>**</c> alone is a globstar; <c>*</c> is any run of characters, <c>?</c> one character,
/// <c>[...]</c> a class (<see cref="GlobCharClass"/>); a backslash makes the next character literal;
/// <c>{a,b}</c>, <c>+(x)</c> and <c>!(x)</c> are plain text; a wildcard never matches an empty name.
/// </summary>
internal sealed class GlobSegment
{
    /// <summary>What minimatch escapes when it builds its regular expression; an escaped one is literal.</summary>
    private const string Specials = "().*{}+?[]^$\\!";

    private readonly string? _literal;
    private readonly Token[] _tokens;

    /// <summary>
    /// Set when a class that JavaScript accepted as written (say <c>[\d-a]</c>) turns into a backwards range
    /// once minimatch rewrote it (<c>[d-a]</c>): the regular expression then fails to build and minimatch
    /// falls back to one that matches nothing.
    /// </summary>
    private readonly bool _matchesNothing;

    private GlobSegment(string? literal, Token[] tokens, bool matchesNothing, bool isGlobstar)
    {
        _literal = literal;
        _tokens = tokens;
        _matchesNothing = matchesNothing;
        IsGlobstar = isGlobstar;
    }

    private enum TokenKind
    {
        Char,
        AnyChar,
        AnyRun,

        /// <summary>Zero-width: a character follows that is not a line terminator (JavaScript's <c>(?=.)</c>).</summary>
        NotAtEnd,
        Class,
    }

    public bool IsGlobstar { get; }

    public static GlobSegment Parse(string text)
    {
        if (text == "**")
        {
            return new GlobSegment(null, [], false, isGlobstar: true);
        }

        var compiled = Compile(text);

        // A part without wildcards or classes is compared as text once its backslashes are removed.
        return compiled.Magic
            ? new GlobSegment(null, [.. compiled.Tokens], compiled.Broken, isGlobstar: false)
            : new GlobSegment(Unescape(text), [], false, isGlobstar: false);
    }

    public bool Matches(string name)
    {
        if (_literal is not null)
        {
            return string.Equals(_literal, name, StringComparison.Ordinal);
        }

        return !IsGlobstar && !_matchesNothing && Run(name);
    }

    /// <summary>Runs the tokens as a small NFA over the name: every token position reachable so far, one character at a time.</summary>
    private bool Run(string name)
    {
        var current = new bool[_tokens.Length + 1];
        current[0] = true;
        Close(current, name, 0);
        for (var pos = 0; pos < name.Length; pos++)
        {
            var next = new bool[_tokens.Length + 1];
            for (var t = 0; t < _tokens.Length; t++)
            {
                if (!current[t])
                {
                    continue;
                }

                var token = _tokens[t];
                switch (token.Kind)
                {
                    case TokenKind.AnyRun:
                        next[t] = true;
                        break;
                    case TokenKind.AnyChar:
                    case TokenKind.Char when token.Char == name[pos]:
                    case TokenKind.Class when token.Class!.Contains(name[pos]):
                        next[t + 1] = true;
                        break;
                }
            }

            Close(next, name, pos + 1);
            current = next;
        }

        return current[_tokens.Length];
    }

    /// <summary>Follows the moves that read nothing: skipping a <c>*</c> and passing a <see cref="TokenKind.NotAtEnd"/> check.</summary>
    private void Close(bool[] states, string name, int pos)
    {
        for (var t = 0; t < _tokens.Length; t++)
        {
            if (states[t] && (_tokens[t].Kind == TokenKind.AnyRun
                || (_tokens[t].Kind == TokenKind.NotAtEnd && pos < name.Length && !IsLineTerminator(name[pos]))))
            {
                states[t + 1] = true;
            }
        }
    }

    /// <summary>
    /// Reads a part the way minimatch 3 does, including its corners: a class whose text is not a valid
    /// JavaScript class (or that never closes) becomes a literal '[' followed by its content read again
    /// as pattern; <c>\@</c> leaves the escape pending for the next character.
    /// </summary>
    private static Compiled Compile(string text)
    {
        var tokens = new List<Token>();
        var magic = false;
        var broken = false;
        var escaping = false;
        var classStart = -1;
        List<ClassAtom>? atoms = null;
        var negated = false;
        for (var i = 0; i < text.Length; i++)
        {
            var c = text[i];
            if (escaping && Specials.Contains(c, StringComparison.Ordinal))
            {
                AddLiteral(c);
                escaping = false;
                continue;
            }

            if (c == '\\')
            {
                escaping = true;
                continue;
            }

            if (atoms is null)
            {
                switch (c)
                {
                    case '*' or '?':
                        tokens.Add(new Token(c == '*' ? TokenKind.AnyRun : TokenKind.AnyChar));
                        magic = true;
                        break;
                    case '[':
                        atoms = [];
                        classStart = i;
                        negated = false;
                        break;
                    default:
                        // minimatch leaves an escape pending over '@' (the only non-special character it
                        // handles as an extglob marker), so "\@*" has a literal '*'.
                        AddLiteral(c);
                        escaping &= c == '@';
                        break;
                }

                continue;
            }

            if ((c == '!' || c == '^') && i == classStart + 1)
            {
                negated = true;
            }
            else if (c == ']' && i > classStart + 1)
            {
                var content = text[(classStart + 1)..i];
                if (GlobCharClass.IsValidJavaScriptClass(content))
                {
                    var charClass = GlobCharClass.Build(negated, atoms);
                    tokens.Add(new Token(TokenKind.Class, Class: charClass));
                    broken |= !charClass.IsValid;
                    magic = true;
                }
                else
                {
                    AddLiteral('[');
                    AddNested(content);
                    AddLiteral(']');
                }

                atoms = null;
            }
            else
            {
                // "\-" is still a range dash: '-' is not special, so minimatch passes it on unescaped.
                atoms.Add(new ClassAtom(c, IsDash: c == '-'));
                escaping &= c == '@';
            }
        }

        if (atoms is not null)
        {
            // An unclosed '[' is literal and what followed it is read again as pattern. forgejo-runner:
            // when nothing or just "**" followed, minimatch's nested read returns no regular expression
            // and the text "undefined" lands in the pattern (a JavaScript slip, kept for the same result).
            AddLiteral('[');
            var rest = text[(classStart + 1)..];
            if (rest.Length > 0 && rest != "**")
            {
                AddNested(rest);
            }
            else
            {
                foreach (var u in "undefined")
                {
                    AddLiteral(u);
                }
            }
        }

        if (escaping)
        {
            AddLiteral('\\');
        }

        if (magic && tokens.Count > 0)
        {
            tokens.Insert(0, new Token(TokenKind.NotAtEnd));
        }

        return new Compiled(tokens, magic, broken);

        void AddLiteral(char literal) => tokens.Add(new Token(TokenKind.Char, literal));

        void AddNested(string content)
        {
            var inner = Compile(content);
            tokens.AddRange(inner.Tokens);
            magic |= inner.Magic;
            broken |= inner.Broken;
        }
    }

    /// <summary>Drops each backslash and keeps the character after it (not a line terminator, as in JavaScript's <c>\\(.)</c>).</summary>
    private static string Unescape(string text)
    {
        var result = new StringBuilder(text.Length);
        for (var i = 0; i < text.Length; i++)
        {
            if (text[i] == '\\' && i + 1 < text.Length && !IsLineTerminator(text[i + 1]))
            {
                i++;
            }

            result.Append(text[i]);
        }

        return result.ToString();
    }

    private static bool IsLineTerminator(char c) => c is '\n' or '\r' or '\u2028' or '\u2029';

    private readonly record struct Token(TokenKind Kind, char Char = '\0', GlobCharClass? Class = null);

    private readonly record struct Compiled(List<Token> Tokens, bool Magic, bool Broken);
}
