namespace KubeRunner.Executor.Processes;

/// <summary>
/// What to run. <paramref name="Environment"/> is the child's whole environment: nothing is
/// inherited from the executor, and <paramref name="FileName"/> is looked up in its PATH.
/// </summary>
internal sealed record ChildProcessStartInfo(
    string FileName,
    IReadOnlyList<string> Arguments,
    IReadOnlyDictionary<string, string> Environment,
    string WorkingDirectory);
