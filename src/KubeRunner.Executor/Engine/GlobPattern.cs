using System.Globalization;
using System.Text;

namespace KubeRunner.Executor.Engine;

/// <summary>What a pattern says about a path: nothing, or that it matches as a directory, as a file, or as either.</summary>
[Flags]
internal enum GlobMatch
{
    None = 0,
    Directory = 1,
    File = 2,
    All = Directory | File,
}

/// <summary>A hashFiles pattern cannot be used: empty, with a '.' or '..' part, or naming HOME when HOME is unusable.</summary>
internal sealed class GlobPatternException(string message) : Exception(message);

/// <summary>
/// One line of hashFiles patterns, made absolute. forgejo-runner passes the patterns to GitHub's
/// hashFiles script (run by node in the job's container with the workspace as its working
/// directory), whose @actions/glob reads each pattern so: leading '!' toggle exclusion; a relative
/// pattern, or one starting with "./", is under the workspace and one starting with "~/" under HOME;
/// '.' or '..' anywhere else is an error; a trailing '/' matches directories only. The literal
/// parts before the first wildcard name the directory the search starts from.
/// </summary>
internal sealed class GlobPattern
{
    /// <summary>The pattern's '/'-separated parts, the first being the root "/".</summary>
    private readonly string[] _parts;
    private readonly GlobSegment[] _matcher;
    private readonly bool _endsWithGlobstar;

    private GlobPattern(bool negate, string pattern)
    {
        Negate = negate;
        _parts = SplitPath(pattern);
        TrailingSeparator = pattern.EndsWith('/');
        _endsWithGlobstar = _parts[^1] == "**";

        var literals = _parts.Select(Literal).TakeWhile(part => part.Length > 0).ToArray();
        SearchPath = JoinPath(literals);

        // minimatch trims the text it is given, after the trailing '/' is gone.
        _matcher = [.. JsTrim(TrimTrailingSeparator(pattern)).Split('/').Select(GlobSegment.Parse)];
    }

    public bool Negate { get; }

    public bool TrailingSeparator { get; }

    /// <summary>The directory (or file) named by the parts before the first wildcard.</summary>
    public string SearchPath { get; }

    /// <summary>Reads one trimmed, non-comment line against the (glob-escaped) workspace and home directories.</summary>
    public static GlobPattern Parse(string line, string workspace, Func<string> home)
    {
        var negate = false;
        var pattern = JsTrim(line);
        while (pattern.StartsWith('!'))
        {
            negate = !negate;
            pattern = JsTrim(pattern[1..]);
        }

        return new GlobPattern(negate, MakeAbsolute(pattern, workspace, home));
    }

    /// <summary>
    /// forgejo-runner: every pattern that does not already end in <c>**</c> (or that ends in '/') also
    /// matches everything below what it matches, so "src" or "src/" hash the whole tree under src.
    /// </summary>
    public GlobPattern? ImplicitDescendants()
    {
        if (!TrailingSeparator && _endsWithGlobstar)
        {
            return null;
        }

        // Read again like any pattern, so a part such as "\." that reads as '.' fails here too.
        var parts = JoinPath(_parts);
        var pattern = parts.EndsWith('/') ? parts + "**" : parts + "/**";
        CheckParts(pattern);
        return new GlobPattern(Negate, CollapseSeparators(pattern));
    }

    public GlobMatch Match(string path)
    {
        // A pattern ending in ** matches the directory it starts from, seen with a trailing '/'.
        var text = _endsWithGlobstar ? (path.EndsWith('/') ? path : path + "/") : TrimTrailingSeparator(path);
        if (!GlobPath.Matches(text.Split('/'), _matcher, partial: false))
        {
            return GlobMatch.None;
        }

        return TrailingSeparator ? GlobMatch.Directory : GlobMatch.All;
    }

    /// <summary>Whether something below <paramref name="path"/> could match, so the search goes into it.</summary>
    public bool CouldMatchBelow(string path)
    {
        var text = TrimTrailingSeparator(path);
        return text == "/" || GlobPath.Matches(text.Split('/'), _matcher, partial: true);
    }

    /// <summary>Escapes a directory name so that the pattern text prefixed with it matches it literally.</summary>
    public static string Escape(string path)
    {
        var result = new StringBuilder(path.Length);
        for (var i = 0; i < path.Length; i++)
        {
            var c = path[i];
            switch (c)
            {
                case '\\': result.Append(@"\\"); break;
                case '?': result.Append("[?]"); break;
                case '*': result.Append("[*]"); break;
                case '[' when ClosesInPart(path, i): result.Append("[[]"); break;
                default: result.Append(c); break;
            }
        }

        return result.ToString();

        // @actions/glob escapes '[' only when a ']' follows later in the same part, not right after it.
        static bool ClosesInPart(string text, int open)
        {
            for (var j = open + 1; j < text.Length && text[j] != '/'; j++)
            {
                if (text[j] == ']' && j > open + 1)
                {
                    return true;
                }
            }

            return false;
        }
    }

    /// <summary>JavaScript's String.prototype.trim: its white space and line terminators (U+FEFF included, U+0085 not).</summary>
    public static string JsTrim(string text)
    {
        var start = 0;
        var end = text.Length;
        while (start < end && IsJsSpace(text[start]))
        {
            start++;
        }

        while (end > start && IsJsSpace(text[end - 1]))
        {
            end--;
        }

        return text[start..end];

        static bool IsJsSpace(char c) =>
            c is '\t' or '\n' or '\v' or '\f' or '\r' or '\u2028' or '\u2029' or '\uFEFF'
            || CharUnicodeInfo.GetUnicodeCategory(c) == UnicodeCategory.SpaceSeparator;
    }

    private static string MakeAbsolute(string pattern, string workspace, Func<string> home)
    {
        if (pattern.Length == 0)
        {
            throw new GlobPatternException("a pattern is empty");
        }

        CheckParts(pattern);
        pattern = CollapseSeparators(pattern);
        if (pattern == "." || pattern.StartsWith("./", StringComparison.Ordinal))
        {
            pattern = workspace + pattern[1..];
        }
        else if (pattern == "~" || pattern.StartsWith("~/", StringComparison.Ordinal))
        {
            pattern = home() + pattern[1..];
        }
        else if (!pattern.StartsWith('/'))
        {
            pattern = (workspace.EndsWith('/') ? workspace : workspace + "/") + pattern;
        }

        return CollapseSeparators(pattern);
    }

    private static void CheckParts(string pattern)
    {
        var literals = SplitPath(pattern).Select(Literal).ToArray();
        if (literals.Where((part, i) => (part == "." && i > 0) || part == "..").Any())
        {
            throw new GlobPatternException($"invalid pattern '{pattern}': relative pathing '.' and '..' is not allowed");
        }
    }

    /// <summary>
    /// The literal text of a part, or "" when it has a wildcard. @actions/glob's own reading, used for
    /// the search path and the '.'/'..' check: a backslash escapes, and a bracket of one character is that character.
    /// </summary>
    private static string Literal(string part)
    {
        var literal = new StringBuilder();
        for (var i = 0; i < part.Length; i++)
        {
            var c = part[i];
            if (c == '\\' && i + 1 < part.Length)
            {
                literal.Append(part[++i]);
                continue;
            }

            if (c is '*' or '?')
            {
                return "";
            }

            if (c == '[' && i + 1 < part.Length && TryReadBracket(part, i, out var set, out var close))
            {
                if (set.Length > 1)
                {
                    return "";
                }

                if (set.Length == 1)
                {
                    literal.Append(set);
                    i = close;
                    continue;
                }
            }

            literal.Append(c);
        }

        return literal.ToString();
    }

    private static bool TryReadBracket(string part, int open, out string set, out int close)
    {
        var content = new StringBuilder();
        for (var j = open + 1; j < part.Length; j++)
        {
            if (part[j] == '\\' && j + 1 < part.Length)
            {
                content.Append(part[++j]);
            }
            else if (part[j] == ']')
            {
                (set, close) = (content.ToString(), j);
                return true;
            }
            else
            {
                content.Append(part[j]);
            }
        }

        (set, close) = ("", -1);
        return false;
    }

    /// <summary>Splits a path into parts; an absolute one starts with the part "/".</summary>
    private static string[] SplitPath(string path)
    {
        path = TrimTrailingSeparator(path);
        if (!path.StartsWith('/'))
        {
            return path.Split('/');
        }

        return path == "/" ? ["/"] : ["/", .. path[1..].Split('/')];
    }

    private static string JoinPath(string[] parts) =>
        parts.Length > 0 && parts[0] == "/" ? "/" + string.Join('/', parts.Skip(1)) : string.Join('/', parts);

    private static string CollapseSeparators(string path)
    {
        while (path.Contains("//", StringComparison.Ordinal))
        {
            path = path.Replace("//", "/", StringComparison.Ordinal);
        }

        return path;
    }

    private static string TrimTrailingSeparator(string path)
    {
        path = CollapseSeparators(path);
        return path.Length > 1 && path.EndsWith('/') ? path[..^1] : path;
    }
}
