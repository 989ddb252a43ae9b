using System.Runtime.InteropServices;
using System.Text;

namespace KubeRunner.Executor.Engine;

/// <summary>
/// Finds the files and directories a list of hashFiles patterns matches, in the order
/// forgejo-runner's hashFiles script (@actions/glob) finds them, since that order is the order
/// their hashes are combined in:
/// the search paths of the including patterns in pattern order (one lying under another's is
/// dropped), each walked depth first with a directory before its content and names sorted by
/// their UTF-8 bytes (node's readdir, via libuv, sorts with strcmp).
/// A path matches when the last pattern that says anything about it includes it: including
/// patterns add, '!' patterns take away, so their order matters.
/// </summary>
internal static partial class GlobWalk
{
    private const int ENOENT = 2;
    private const int ENOTDIR = 20;

    private static readonly Comparer<byte[]> _byteOrder = Comparer<byte[]>.Create((a, b) => a.AsSpan().SequenceCompareTo(b));

    private enum EntryKind
    {
        Missing,
        Directory,
        Other,
    }

    /// <summary>
    /// Without <paramref name="followSymbolicLinks"/> a symbolic link is never entered, even when it
    /// points to a directory; with it, links are entered, broken ones are skipped and a directory that
    /// is (through links) one of its own ancestors is not entered again.
    /// </summary>
    public static IEnumerable<string> Find(IReadOnlyList<GlobPattern> patterns, bool followSymbolicLinks)
    {
        foreach (var root in SearchPaths(patterns))
        {
            if (!SearchPathExists(root))
            {
                continue;
            }

            foreach (var found in Visit(root, patterns, followSymbolicLinks, []))
            {
                yield return found;
            }
        }
    }

    /// <summary>Whether the path, following symbolic links, is a directory; a broken link is an error, as in the script.</summary>
    public static bool IsDirectory(string path) =>
        TryRealPath(path, out var real, out var errno) ? Directory.Exists(real) : throw Failure(path, errno);

    /// <summary>The path with every symbolic link resolved, as the kernel sees it (null when it cannot be resolved).</summary>
    public static string? RealPath(string path) => TryRealPath(path, out var real, out _) ? real : null;

    private static List<string> SearchPaths(IReadOnlyList<GlobPattern> patterns)
    {
        var including = patterns.Where(p => !p.Negate).Select(p => p.SearchPath).ToList();
        var all = new HashSet<string>(including, StringComparer.Ordinal);
        var result = new List<string>();
        foreach (var path in including)
        {
            if (!result.Contains(path, StringComparer.Ordinal) && !HasAncestorIn(path, all))
            {
                result.Add(path);
            }
        }

        return result;
    }

    private static bool HasAncestorIn(string path, HashSet<string> paths)
    {
        for (var parent = Parent(path); parent != path; path = parent, parent = Parent(path))
        {
            if (paths.Contains(parent))
            {
                return true;
            }
        }

        return false;
    }

    private static string Parent(string path)
    {
        var slash = path.LastIndexOf('/');
        return slash > 0 ? path[..slash] : "/";
    }

    /// <summary>A missing search path is skipped; one below a file (ENOTDIR) fails the script.</summary>
    private static bool SearchPathExists(string path)
    {
        if ((int)new FileInfo(path).Attributes != -1)
        {
            return true;
        }

        var parent = Parent(path);
        if (parent == path || (TryRealPath(parent, out var real, out var errno) && Directory.Exists(real)))
        {
            return false;
        }

        return errno == ENOENT ? false : throw Failure(path, errno == 0 ? ENOTDIR : errno);
    }

    private static IEnumerable<string> Visit(string path, IReadOnlyList<GlobPattern> patterns, bool follow, List<string> ancestors)
    {
        var match = GlobMatch.None;
        foreach (var pattern in patterns)
        {
            match = pattern.Negate ? match & ~pattern.Match(path) : match | pattern.Match(path);
        }

        if (match == GlobMatch.None && !patterns.Any(p => !p.Negate && p.CouldMatchBelow(path)))
        {
            yield break;
        }

        var (kind, realPath) = Probe(path, follow);
        if (kind != EntryKind.Directory)
        {
            if (kind == EntryKind.Other && (match & GlobMatch.File) != 0)
            {
                yield return path;
            }

            yield break;
        }

        // The script keeps the real paths of the directories it is inside and skips a cycle.
        if (follow && ancestors.Contains(realPath, StringComparer.Ordinal))
        {
            yield break;
        }

        if ((match & GlobMatch.Directory) != 0)
        {
            yield return path;
        }

        ancestors.Add(realPath);
        foreach (var name in SortedNames(path))
        {
            foreach (var found in Visit(path == "/" ? "/" + name : path + "/" + name, patterns, follow, ancestors))
            {
                yield return found;
            }
        }

        ancestors.RemoveAt(ancestors.Count - 1);
    }

    /// <summary>lstat without following links, stat (and realpath) with: a broken link is then missing.</summary>
    private static (EntryKind Kind, string RealPath) Probe(string path, bool follow)
    {
        if (!follow)
        {
            var attributes = new FileInfo(path).Attributes;
            return (int)attributes == -1 ? (EntryKind.Missing, path)
                : (attributes & (FileAttributes.Directory | FileAttributes.ReparsePoint)) == FileAttributes.Directory ? (EntryKind.Directory, path)
                : (EntryKind.Other, path);
        }

        if (!TryRealPath(path, out var real, out var errno))
        {
            return errno == ENOENT ? (EntryKind.Missing, path) : throw Failure(path, errno);
        }

        return (Directory.Exists(real) ? EntryKind.Directory : EntryKind.Other, real);
    }

    private static string[] SortedNames(string directory)
    {
        var names = Directory.EnumerateFileSystemEntries(directory).Select(Path.GetFileName).ToArray();
        var keys = names.Select(name => Encoding.UTF8.GetBytes(name!)).ToArray();
        Array.Sort(keys, names, _byteOrder);
        return names!;
    }

    private static IOException Failure(string path, int errno) => new($"'{path}': {Marshal.GetPInvokeErrorMessage(errno)}");

    private static bool TryRealPath(string path, out string real, out int errno)
    {
        var resolved = NativeRealPath(path, 0);
        if (resolved == 0)
        {
            (real, errno) = ("", Marshal.GetLastPInvokeError());
            return false;
        }

        try
        {
            (real, errno) = (Marshal.PtrToStringUTF8(resolved) ?? path, 0);
            return true;
        }
        finally
        {
            NativeFree(resolved);
        }
    }

    [LibraryImport("libc", EntryPoint = "realpath", StringMarshalling = StringMarshalling.Utf8, SetLastError = true)]
    private static partial nint NativeRealPath(string path, nint resolved);

    [LibraryImport("libc", EntryPoint = "free")]
    private static partial void NativeFree(nint pointer);
}
