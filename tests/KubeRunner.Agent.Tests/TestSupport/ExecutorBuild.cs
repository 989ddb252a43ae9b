namespace KubeRunner.Agent.Tests.TestSupport;

/// <summary>The executor as the build of src/KubeRunner.Executor left it (same configuration as the tests).</summary>
internal static class ExecutorBuild
{
    public static string Path { get; } = Locate();

    private static string Locate()
    {
        // .../tests/KubeRunner.Agent.Tests/bin/<Configuration>/<tfm>/
        var bin = new DirectoryInfo(AppContext.BaseDirectory.TrimEnd('/'));
        var framework = bin.Name;
        var configuration = bin.Parent!.Name;
        var root = bin.Parent.Parent!.Parent!.Parent!.Parent!.FullName;
        var path = System.IO.Path.Combine(root, "src", "KubeRunner.Executor", "bin", configuration, framework, "kube-runner-executor");
        return File.Exists(path) ? path : throw new FileNotFoundException($"build src/KubeRunner.Executor first: {path} is missing");
    }
}
