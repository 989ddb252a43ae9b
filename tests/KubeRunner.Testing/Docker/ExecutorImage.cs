using System.Security.Cryptography;
using System.Text;

namespace KubeRunner.Testing.Docker;

/// <summary>
/// The executor image for Kubernetes tests, built locally (no registry): the busybox test image with the
/// published executor bundle at <see cref="BundlePath"/>, from where an init container copies it into
/// the pod's shared volume with <see cref="CopyCommand"/>. The tag is a hash of the bundle and the base
/// image, so it is built once per machine until the executor changes.
/// </summary>
public static class ExecutorImage
{
    public const string Repository = "kr-test/executor";

    /// <summary>Where the bundle is in the image.</summary>
    public const string BundlePath = "/kube-runner-executor";

    private static readonly Lazy<Task<string>> Built = new(BuildOnceAsync);

    /// <summary>What the init container runs to put the bundle at <see cref="ExecutorBundle.MountPath"/> (a shared emptyDir).</summary>
    public static IReadOnlyList<string> CopyCommand { get; } = ["/bin/sh", "-c", $"cp -R {BundlePath}/. {ExecutorBundle.MountPath}/"];

    /// <summary>Publishes the executor if needed and builds the image unless it exists; returns its reference.</summary>
    public static Task<string> EnsureAsync() => Built.Value;

    private static async Task<string> BuildOnceAsync()
    {
        var bundle = await ExecutorBundle.EnsureAsync();
        var baseImage = await TestImages.EnsureAsync(TestImage.Busybox);
        var reference = $"{Repository}:{ContentTag(bundle.Directory, baseImage)}";
        // Test processes running at the same time build it once between them.
        using var machineLock = await MachineLock.AcquireAsync(reference);
        if (await DockerCli.ImageExistsAsync(reference))
        {
            return reference;
        }

        // create + cp + commit rather than `docker build`: it needs neither BuildKit nor a build context.
        var container = (await DockerCli.RunCheckedAsync("create", "--label", DockerCli.TestLabel, baseImage, "/bin/true")).Trim();
        try
        {
            await DockerCli.RunCheckedAsync("cp", Path.TrimEndingDirectorySeparator(bundle.Directory) + "/.", $"{container}:{BundlePath}");
            await DockerCli.RunCheckedAsync("commit", "--change", $"LABEL {DockerCli.TestLabel}", container, reference);
        }
        finally
        {
            await DockerCli.RunAsync("rm", "--force", container);
        }

        return reference;
    }

    private static string ContentTag(string bundleDirectory, string baseImage)
    {
        if (!OperatingSystem.IsLinux())
        {
            throw new PlatformNotSupportedException("the executor image holds a Linux executable: Linux only");
        }

        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        hash.AppendData(Encoding.UTF8.GetBytes(baseImage + "\n"));
        foreach (var file in Directory.EnumerateFiles(bundleDirectory, "*", SearchOption.AllDirectories).Order(StringComparer.Ordinal))
        {
            hash.AppendData(Encoding.UTF8.GetBytes($"{Path.GetRelativePath(bundleDirectory, file)}\n{(int)File.GetUnixFileMode(file)}\n"));
            hash.AppendData(File.ReadAllBytes(file));
        }

        return Convert.ToHexStringLower(hash.GetHashAndReset())[..16];
    }
}
