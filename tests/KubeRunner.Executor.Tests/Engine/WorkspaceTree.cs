using System.Security.Cryptography;
using System.Text;

namespace KubeRunner.Executor.Tests.Engine;

/// <summary>A temporary directory holding a workspace (and room beside it), removed when disposed.</summary>
internal sealed class WorkspaceTree : IDisposable
{
    public WorkspaceTree()
    {
        Root = Directory.CreateTempSubdirectory("kube-runner-hash-").FullName;
        Workspace = Path.Combine(Root, "ws");
        Directory.CreateDirectory(Workspace);
    }

    /// <summary>Holds the workspace and whatever a test puts outside it.</summary>
    public string Root { get; }

    public string Workspace { get; }

    /// <summary>Writes a file below the workspace (a path with "../" reaches outside it).</summary>
    public WorkspaceTree File(string relativePath, string content)
    {
        var path = Path.GetFullPath(Path.Combine(Workspace, relativePath));
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        System.IO.File.WriteAllText(path, content);
        return this;
    }

    public WorkspaceTree Dir(string relativePath)
    {
        Directory.CreateDirectory(Path.Combine(Workspace, relativePath));
        return this;
    }

    /// <summary>Creates a symbolic link at <paramref name="relativePath"/> whose target text is <paramref name="target"/>.</summary>
    public WorkspaceTree Link(string relativePath, string target)
    {
        var path = Path.Combine(Workspace, relativePath);
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        System.IO.File.CreateSymbolicLink(path, target);
        return this;
    }

    /// <summary>
    /// Computed here independently of the code under test: SHA-256 over the SHA-256 digests of the
    /// given contents, in the given order, as lower-case hex.
    /// </summary>
    public static string Expected(params string[] contents)
    {
        var digests = contents.SelectMany(content => SHA256.HashData(Encoding.UTF8.GetBytes(content))).ToArray();
        return Convert.ToHexStringLower(SHA256.HashData(digests));
    }

    public void Dispose() => Directory.Delete(Root, recursive: true);
}
