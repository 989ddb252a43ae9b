using System.Diagnostics;

namespace KubeRunner.Testing.Docker;

/// <summary>
/// The <c>kube-runner-executor</c> bundle (docs/adr/0005-executor-binary.md), published once per test
/// process with the repository's own publish command, as a developer or the release would.
/// </summary>
public sealed class ExecutorBundle
{
    /// <summary>Where the bundle must be in a container: the binary's ELF interpreter points there.</summary>
    public const string MountPath = "/__kube-runner";

    /// <summary>The executor inside a container.</summary>
    public const string ContainerExecutable = MountPath + "/kube-runner-executor";

    private static readonly Lazy<Task<ExecutorBundle>> Published = new(PublishAsync);

    private ExecutorBundle(string directory, TimeSpan publishDuration)
    {
        Directory = directory;
        PublishDuration = publishDuration;
    }

    /// <summary>The bundle on the test machine.</summary>
    public string Directory { get; }

    /// <summary>Time the publish took in this process (incremental when nothing changed).</summary>
    public TimeSpan PublishDuration { get; }

    /// <summary>Bundle files relative to <see cref="Directory"/>, with their sizes in bytes.</summary>
    public IReadOnlyDictionary<string, long> Files =>
        new DirectoryInfo(Directory).EnumerateFiles("*", SearchOption.AllDirectories)
            .ToDictionary(file => Path.GetRelativePath(Directory, file.FullName), file => file.Length, StringComparer.Ordinal);

    public long SizeBytes => Files.Values.Sum();

    /// <summary>Copies the bundle to <see cref="MountPath"/> in a container.</summary>
    public ContainerCopy ToContainer() => new(Directory, MountPath);

    public static Task<ExecutorBundle> EnsureAsync() => Published.Value;

    private static async Task<ExecutorBundle> PublishAsync()
    {
        var repository = RepositoryRoot();
        // A bundle directory per test project: another project's publish must not rewrite the files
        // this one is copying into containers.
        var directory = Path.Combine(repository, "artifacts", "test", "executor", Hash(AppContext.BaseDirectory));
        var watch = Stopwatch.StartNew();
        // The test host runs inside `dotnet test`, whose MSBuild variables would steer the nested build;
        // build servers are disabled so that no node outlives the publish holding the test's pipes.
        var environment = new Dictionary<string, string?>
        {
            ["MSBuildExtensionsPath"] = null,
            ["MSBuildSDKsPath"] = null,
            ["MSBUILD_EXE_PATH"] = null,
            ["MSBuildLoadMicrosoftTargetsReadOnly"] = null,
        };
        // The test projects run at the same time and publish the same project: one at a time.
        using var machineLock = await MachineLock.AcquireAsync("executor-publish-" + Hash(repository));
        await HostCommand.RunCheckedAsync(DotnetHost(),
            ["publish", Path.Combine(repository, "src", "KubeRunner.Executor", "KubeRunner.Executor.csproj"),
             "-c", "Release", "-r", "linux-x64", "--disable-build-servers", $"-p:ExecutorBundleDir={directory}"],
            TestTimeouts.Build, environment);
        return new ExecutorBundle(directory, watch.Elapsed);
    }

    private static string Hash(string text) =>
        Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(System.Text.Encoding.UTF8.GetBytes(text)))[..12];

    private static string DotnetHost() =>
        Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") is { Length: > 0 } host && File.Exists(host) ? host : "dotnet";

    /// <summary>The checkout this process was built from (the directory of KubeRunner.sln).</summary>
    public static string RepositoryRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "KubeRunner.sln")))
            {
                return dir.FullName;
            }
        }

        throw new InvalidOperationException($"no KubeRunner.sln above {AppContext.BaseDirectory}");
    }
}
