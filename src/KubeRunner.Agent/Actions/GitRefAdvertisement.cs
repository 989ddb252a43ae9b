using System.Globalization;
using System.Text;

namespace KubeRunner.Agent.Actions;

/// <summary>
/// The refs a git server advertises at <c>info/refs</c>: name to commit. Annotated tags are peeled
/// (<c>refs/tags/v1^{}</c> gives the commit the tag object points at), so every value is a commit as
/// far as the server says.
/// </summary>
internal sealed class GitRefAdvertisement
{
    private const string PeeledSuffix = "^{}";

    private readonly Dictionary<string, string> _refs;

    private GitRefAdvertisement(Dictionary<string, string> refs) => _refs = refs;

    public IReadOnlyDictionary<string, string> Refs => _refs;

    /// <summary>
    /// Parses the smart HTTP answer (pkt-lines: <c># service=git-upload-pack</c>, a flush, then
    /// <c>&lt;sha&gt; &lt;ref&gt;\0capabilities</c> and <c>&lt;sha&gt; &lt;ref&gt;</c> lines), or, when
    /// <paramref name="smart"/> is false, a dumb server's plain <c>&lt;sha&gt;\t&lt;ref&gt;</c> lines.
    /// </summary>
    /// <exception cref="FormatException">The body is not a ref advertisement.</exception>
    public static GitRefAdvertisement Parse(ReadOnlySpan<byte> body, bool smart)
    {
        Dictionary<string, string> plain = new(StringComparer.Ordinal);
        Dictionary<string, string> peeled = new(StringComparer.Ordinal);
        foreach (var line in smart ? PacketLines(body) : [.. Encoding.UTF8.GetString(body).Split('\n')])
        {
            AddLine(line, plain, peeled);
        }

        foreach (var (name, commit) in peeled)
        {
            plain[name] = commit;
        }

        return new GitRefAdvertisement(plain);
    }

    /// <summary>
    /// Resolves a name as go-git's <c>ResolveRevision</c> does for forgejo-runner: the name itself
    /// (<c>HEAD</c>, <c>refs/...</c>), then <c>refs/NAME</c>, then a tag, then a branch — so a tag wins
    /// over a branch of the same name.
    /// </summary>
    public string? Resolve(string name)
    {
        foreach (var candidate in (ReadOnlySpan<string>)[name, $"refs/{name}", $"refs/tags/{name}", $"refs/heads/{name}"])
        {
            if (_refs.TryGetValue(candidate, out var commit))
            {
                return commit;
            }
        }

        return null;
    }

    private static void AddLine(string line, Dictionary<string, string> plain, Dictionary<string, string> peeled)
    {
        // The first ref line carries the capabilities after a NUL; the service and version lines carry no ref.
        var text = line.Split('\0')[0].TrimEnd('\n', '\r');
        if (text.Length == 0 || text.StartsWith('#') || text.StartsWith("version ", StringComparison.Ordinal))
        {
            return;
        }

        var separator = text.IndexOfAny([' ', '\t']);
        if (separator <= 0 || !GitSha.IsFull(text[..separator]))
        {
            throw new FormatException($"unexpected line in the ref advertisement: '{Shorten(text)}'");
        }

        var (sha, name) = (text[..separator].ToLowerInvariant(), text[(separator + 1)..]);
        if (name == "capabilities^{}")
        {
            // An empty repository advertises its capabilities on this placeholder; it is no ref.
            return;
        }

        if (name.EndsWith(PeeledSuffix, StringComparison.Ordinal))
        {
            peeled[name[..^PeeledSuffix.Length]] = sha;
        }
        else
        {
            plain[name] = sha;
        }
    }

    private static List<string> PacketLines(ReadOnlySpan<byte> body)
    {
        List<string> lines = [];
        while (!body.IsEmpty)
        {
            if (body.Length < 4 || !int.TryParse(Encoding.ASCII.GetString(body[..4]), NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture, out var length))
            {
                throw new FormatException("the answer is not in git's pkt-line format");
            }

            // 0000 flush, 0001 delimiter, 0002 response end: markers without payload.
            if (length < 4)
            {
                body = body[4..];
                continue;
            }

            if (length > body.Length)
            {
                throw new FormatException("the ref advertisement ends in the middle of a line");
            }

            lines.Add(Encoding.UTF8.GetString(body[4..length]));
            body = body[length..];
        }

        return lines;
    }

    private static string Shorten(string text) => text.Length <= 80 ? text : text[..80] + "...";
}
