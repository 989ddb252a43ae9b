namespace KubeRunner.Agent.Tests.EndToEnd.Actions;

/// <summary>
/// Files of actions written by a test into a directory of its own; a job's first step copies them
/// into its workspace (<see cref="CopyStep"/>), as a checkout would bring a repository's local actions.
/// </summary>
internal sealed class ActionFiles : IDisposable
{
    private readonly DirectoryInfo _root = Directory.CreateTempSubdirectory("kube-runner-actions-");

    public string Root => _root.FullName;

    /// <summary>A step that copies the files into the workspace (indented for a job's step list).</summary>
    public string CopyStep => $"      - run: cp -R '{Root}/.' .\n";

    public ActionFiles Add(string path, string content)
    {
        var full = Path.Combine(Root, path);
        Directory.CreateDirectory(Path.GetDirectoryName(full)!);
        File.WriteAllText(full, content);
        return this;
    }

    public void Dispose() => _root.Delete(recursive: true);
}
