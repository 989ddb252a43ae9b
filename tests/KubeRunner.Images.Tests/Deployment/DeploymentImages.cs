using System.Diagnostics;
using System.Security.Cryptography;
using System.Text;
using KubeRunner.Testing;
using KubeRunner.Testing.Docker;

namespace KubeRunner.Images.Tests.Deployment;

/// <summary>
/// The agent and executor images, built from deploy/docker/*.Dockerfile with <c>docker build
/// --network=none</c> (so the build provably fetches nothing) on the local stand-ins for Microsoft's
/// SDK and runtime images and on the busybox test image. Built once per test process, the executor
/// image first: the agent's build then finds the shared executor-build stage in Docker's cache.
/// </summary>
internal static class DeploymentImages
{
    public const string ExecutorDockerfile = "deploy/docker/executor.Dockerfile";
    public const string AgentDockerfile = "deploy/docker/agent.Dockerfile";

    private static readonly Lazy<Task<BuiltImage>> Executor = new(BuildExecutorAsync);
    private static readonly Lazy<Task<BuiltImage>> Agent = new(BuildAgentAsync);

    public static Task<BuiltImage> ExecutorAsync() => Executor.Value;

    public static Task<BuiltImage> AgentAsync() => Agent.Value;

    public static IEnumerable<string> Dockerfiles(string repository) =>
        [Path.Combine(repository, ExecutorDockerfile), Path.Combine(repository, AgentDockerfile)];

    private static async Task<BuiltImage> BuildExecutorAsync()
    {
        var watch = Stopwatch.StartNew();
        var busybox = TestImages.EnsureAsync(TestImage.Busybox);
        var sdk = await LocalSdkImage.EnsureAsync();
        var prepared = watch.Elapsed;
        return await BuildAsync(ExecutorDockerfile, "kr-test/kube-runner-executor",
            new() { ["SDK_IMAGE"] = sdk, ["BASE_IMAGE"] = await busybox }, prepared, watch);
    }

    private static async Task<BuiltImage> BuildAgentAsync()
    {
        var watch = Stopwatch.StartNew();
        var runtime = LocalRuntimeImage.EnsureAsync();
        var sdk = await LocalSdkImage.EnsureAsync();
        await ExecutorAsync();
        var prepared = watch.Elapsed;
        return await BuildAsync(AgentDockerfile, "kr-test/kube-runner",
            new() { ["SDK_IMAGE"] = sdk, ["RUNTIME_IMAGE"] = await runtime }, prepared, watch);
    }

    private static async Task<BuiltImage> BuildAsync(string dockerfile, string repository, Dictionary<string, string> buildArgs,
        TimeSpan prepared, Stopwatch watch)
    {
        var root = ExecutorBundle.RepositoryRoot();
        // A tag per checkout: worktrees of the same machine build their own images side by side.
        var reference = $"{repository}:{Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(root)))[..12]}";
        // --force-rm: the legacy builder would keep the container of a failed step.
        List<string> args =
            ["build", "--network=none", "--force-rm", "--label", DockerCli.TestLabel, "--file", Path.Combine(root, dockerfile), "--tag", reference];
        foreach (var (name, value) in buildArgs)
        {
            args.AddRange(["--build-arg", $"{name}={value}"]);
        }

        args.Add(root);
        using (await MachineLock.AcquireAsync(reference))
        {
            var started = watch.Elapsed;
            await HostCommand.RunCheckedAsync("docker", args, TestTimeouts.Build);

            var size = long.Parse((await DockerCli.RunCheckedAsync("image", "inspect", "--format", "{{.Size}}", reference)).Trim(),
                System.Globalization.CultureInfo.InvariantCulture);
            return new BuiltImage(reference, size, prepared, watch.Elapsed - started);
        }
    }
}

/// <summary>An image built by a test: its reference, size, the time its base images took (built or found) and its build took.</summary>
internal sealed record BuiltImage(string Reference, long SizeBytes, TimeSpan Preparation, TimeSpan Build);
