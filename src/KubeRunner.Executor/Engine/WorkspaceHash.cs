using KubeRunner.Workflow.Expressions;

namespace KubeRunner.Executor.Engine;

/// <summary>
/// <c>hashFiles()</c>: the same value as forgejo-runner for the same files and patterns.
/// forgejo-runner does not hash in Go during a job: it runs GitHub's hashFiles script
/// (act/runner/hashfiles/index.js, @actions/glob) with node in the job's container, working
/// directory the workspace. Its facts, which this follows:
/// <list type="bullet">
/// <item>the patterns become lines (joined with '\n', so a pattern holding a newline is two), each
/// trimmed; empty lines and lines starting with '#' are ignored;</item>
/// <item>matches are found as <see cref="GlobWalk"/> describes; only files under the workspace
/// count (a match elsewhere, e.g. through an absolute pattern, is ignored) and directories are skipped;</item>
/// <item>each file's SHA-256 is computed, those 32-byte digests are fed in order to one more
/// SHA-256, and the result is that digest in lower-case hex; no file at all gives "".</item>
/// </list>
/// Where the script fails (a '..' in a pattern, an unreadable file, a matched broken link without
/// --follow-symbolic-links) forgejo-runner silently returns ""; this raises an error instead, as
/// GitHub's runner does, so a cache key never quietly loses its hash.
/// </summary>
internal static class WorkspaceHash
{
    private const string FollowOption = "--follow-symbolic-links";

    /// <param name="home">Where "~" points: the HOME the job's steps see (null: the user's home directory).</param>
    internal static string Compute(string workspace, IReadOnlyList<string> patterns, bool followSymbolicLinks, string? home = null)
    {
        ArgumentNullException.ThrowIfNull(patterns);
        var lines = patterns;

        // forgejo-runner takes the option from the first argument in any letter case and refuses any
        // other "--" there; an exact "--follow-symbolic-links" has already been taken off by the caller.
        if (!followSymbolicLinks && patterns.Count > 0 && patterns[0].StartsWith("--", StringComparison.Ordinal))
        {
            if (!string.Equals(patterns[0], FollowOption, StringComparison.OrdinalIgnoreCase))
            {
                throw new ExpressionException($"Invalid glob option {patterns[0]}, available option: '{FollowOption}'");
            }

            followSymbolicLinks = true;
            lines = [.. patterns.Skip(1)];
        }

        try
        {
            return Hash(Root(workspace), lines, followSymbolicLinks, () => Home(home));
        }
        catch (Exception e) when (e is GlobPatternException or IOException or UnauthorizedAccessException)
        {
            var arguments = string.Join(", ", patterns.Select(p => $"'{p}'"));
            throw new ExpressionException($"hashFiles({arguments}) failed: {e.Message}", e);
        }
    }

    private static string Hash(string root, IReadOnlyList<string> lines, bool followSymbolicLinks, Func<string> home)
    {
        var escapedRoot = GlobPattern.Escape(root);
        var patterns = new List<GlobPattern>();
        foreach (var line in string.Join('\n', lines).Split('\n'))
        {
            var text = GlobPattern.JsTrim(line);
            if (text.Length == 0 || text.StartsWith('#'))
            {
                continue;
            }

            // No file name holds a NUL, and file APIs refuse it (forgejo-runner cannot even pass it to node).
            if (text.Contains('\0', StringComparison.Ordinal))
            {
                throw new GlobPatternException("a pattern holds a NUL character");
            }

            var pattern = GlobPattern.Parse(text, escapedRoot, home);
            patterns.Add(pattern);
            if (pattern.ImplicitDescendants() is { } descendants)
            {
                patterns.Add(descendants);
            }
        }

        var under = root + "/";
        var combined = new Sha256();
        var hashed = 0;
        foreach (var path in GlobWalk.Find(patterns, followSymbolicLinks))
        {
            if (!path.StartsWith(under, StringComparison.Ordinal) || GlobWalk.IsDirectory(path))
            {
                continue;
            }

            using (var file = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete, 1 << 16))
            {
                combined.Append(Sha256.Hash(file));
            }

            hashed++;
        }

        return hashed == 0 ? "" : Convert.ToHexStringLower(combined.Finish());
    }

    /// <summary>The script's working directory: the workspace with its symbolic links resolved, as getcwd reports it.</summary>
    private static string Root(string workspace)
    {
        var full = Path.GetFullPath(workspace);
        var root = GlobWalk.RealPath(full) ?? full;
        return root.Length > 1 ? root.TrimEnd('/') : root;
    }

    /// <summary>Where "~" points: HOME, as node's os.homedir() reads it.</summary>
    private static string Home(string? given)
    {
        var home = given ?? Environment.GetFolderPath(Environment.SpecialFolder.UserProfile);
        return home.StartsWith('/')
            ? GlobPattern.Escape(home)
            : throw new GlobPatternException($"the HOME directory '{home}' is not an absolute path");
    }
}
