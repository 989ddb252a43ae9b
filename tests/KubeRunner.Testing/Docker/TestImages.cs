using System.Collections.Concurrent;
using System.Security.Cryptography;
using System.Text;

namespace KubeRunner.Testing.Docker;

/// <summary>
/// Builds the <see cref="TestImage"/> images from files of the test machine, with no registry: a root
/// file system is assembled in a temporary directory and imported with <c>docker import</c>. The tag
/// is derived from the recipe and its input files, so an image is built once per machine and reused
/// by later runs until the recipe or the inputs change.
/// </summary>
public static class TestImages
{
    /// <summary>Bump to rebuild every image after changing a recipe in a way its inputs do not show.</summary>
    private const string RecipeVersion = "1";

    private const string BusyboxPath = "/bin/busybox";
    private const string MuslLoaderPath = "/lib/ld-musl-x86_64.so.1";
    private const string DebianSuite = "bookworm";
    private const string DebianMirror = "http://deb.debian.org/debian";

    private static readonly ConcurrentDictionary<TestImage, Lazy<Task<string>>> Built = new();

    /// <summary>Builds the image unless an image with its content tag exists; returns its reference, e.g. <c>kr-test/musl:3f0c…</c>.</summary>
    public static async Task<string> EnsureAsync(TestImage image)
    {
        await DockerDaemon.EnsureAsync();
        return await Built.GetOrAdd(image, i => new Lazy<Task<string>>(() => BuildOnceAsync(i))).Value;
    }

    /// <summary>The repository part of the reference, e.g. <c>kr-test/debian</c>.</summary>
    public static string Repository(TestImage image) => $"kr-test/{image.ToString().ToLowerInvariant()}";

    private static async Task<string> BuildOnceAsync(TestImage image)
    {
        var reference = $"{Repository(image)}:{ContentTag(image)}";
        // Test processes running at the same time build each image once between them.
        using var machineLock = await MachineLock.AcquireAsync(reference);
        if (await DockerCli.ImageExistsAsync(reference))
        {
            return reference;
        }

        var work = Directory.CreateTempSubdirectory("kube-runner-image-");
        try
        {
            var root = Directory.CreateDirectory(Path.Combine(work.FullName, "root")).FullName;
            await PopulateAsync(image, root);
            var tarball = Path.Combine(work.FullName, "root.tar");
            if (image == TestImage.Scratch)
            {
                await HostCommand.RunCheckedAsync("tar", ["-cf", tarball, "--files-from", "/dev/null"], TestTimeouts.Default);
            }
            else
            {
                await HostCommand.RunCheckedAsync("tar", ["--numeric-owner", "-C", root, "-cf", tarball, "."], TestTimeouts.Build);
            }

            await HostCommand.RunCheckedAsync("docker",
                ["import", "--change", $"LABEL {DockerCli.TestLabel}", tarball, reference], TestTimeouts.Build);
            return reference;
        }
        finally
        {
            work.Delete(recursive: true);
        }
    }

    private static async Task PopulateAsync(TestImage image, string root)
    {
        switch (image)
        {
            case TestImage.Debian:
                await HostCommand.RunCheckedAsync("debootstrap", ["--variant=minbase", DebianSuite, root, DebianMirror], TestTimeouts.Build);
                break;
            case TestImage.Busybox:
                await AddBusyboxAsync(root);
                break;
            case TestImage.Musl:
                await AddBusyboxAsync(root);
                // Alpine's layout: the loader is musl's libc itself, with libc.musl-x86_64.so.1 naming it.
                File.Copy(Resolve(MuslLoaderPath), Path.Combine(root, "lib", "ld-musl-x86_64.so.1"));
                File.CreateSymbolicLink(Path.Combine(root, "lib", "libc.musl-x86_64.so.1"), "ld-musl-x86_64.so.1");
                break;
            case TestImage.Scratch:
                break;
            default:
                throw new ArgumentOutOfRangeException(nameof(image), image, null);
        }
    }

    private static async Task AddBusyboxAsync(string root)
    {
        foreach (var dir in new[] { "bin", "lib", "tmp", "etc" })
        {
            Directory.CreateDirectory(Path.Combine(root, dir));
        }

        // File.Copy keeps the execute bits.
        File.Copy(Resolve(BusyboxPath), Path.Combine(root, "bin", "busybox"));
        var applets = await HostCommand.RunCheckedAsync(BusyboxPath, ["--list"], TestTimeouts.Default);
        foreach (var applet in applets.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            if (applet != "busybox")
            {
                File.CreateSymbolicLink(Path.Combine(root, "bin", applet), "busybox");
            }
        }
    }

    private static string ContentTag(TestImage image)
    {
        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        hash.AppendData(Encoding.UTF8.GetBytes($"{RecipeVersion}\n{image}\n"));
        switch (image)
        {
            case TestImage.Debian:
                hash.AppendData(Encoding.UTF8.GetBytes($"debootstrap --variant=minbase {DebianSuite} {DebianMirror}"));
                break;
            case TestImage.Busybox:
                AppendFile(hash, BusyboxPath);
                break;
            case TestImage.Musl:
                AppendFile(hash, BusyboxPath);
                AppendFile(hash, MuslLoaderPath);
                break;
            case TestImage.Scratch:
                break;
            default:
                throw new ArgumentOutOfRangeException(nameof(image), image, null);
        }

        return Convert.ToHexStringLower(hash.GetHashAndReset())[..16];
    }

    private static void AppendFile(IncrementalHash hash, string path)
    {
        var resolved = Resolve(path);
        if (!File.Exists(resolved))
        {
            throw new InvalidOperationException($"{path} is missing on this machine: install busybox-static and musl (.ci/run does)");
        }

        hash.AppendData(File.ReadAllBytes(resolved));
    }

    private static string Resolve(string path) =>
        new FileInfo(path).ResolveLinkTarget(returnFinalTarget: true)?.FullName ?? path;
}
