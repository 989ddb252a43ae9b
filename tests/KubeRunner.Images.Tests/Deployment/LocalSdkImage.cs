using System.Security.Cryptography;
using System.Text;
using KubeRunner.Testing;
using KubeRunner.Testing.Docker;

namespace KubeRunner.Images.Tests.Deployment;

/// <summary>
/// Stands in for <c>mcr.microsoft.com/dotnet/sdk:10.0-bookworm-slim</c> as the Dockerfiles' SDK_IMAGE,
/// built here with no registry: Debian bookworm from debootstrap with what the executor's Native AOT
/// publish and bundling need (clang, zlib1g-dev, patchelf, binutils), this machine's .NET SDK at
/// /usr/share/dotnet, and the NuGet packages of the Dockerfiles' restores in /root/.nuget/packages
/// with no package source configured, so that <c>docker build --network=none</c> restores offline.
/// </summary>
/// <remarks>
/// Two images, each built once per machine under a content tag: <c>kr-test/sdk-base</c> (the slow
/// debootstrap, changed only by this recipe) and <c>kr-test/sdk</c> (the SDK and packages on top,
/// rebuilt when either changes). The .nupkg files are left out: restore needs only the extracted packages.
/// </remarks>
internal static class LocalSdkImage
{
    /// <summary>Bump to rebuild after changing the recipe in a way the inputs below do not show.</summary>
    private const string RecipeVersion = "1";

    private const string Suite = "bookworm";
    private const string Mirror = "http://deb.debian.org/debian";

    // The SDK itself needs libicu and libssl; clang links the Native AOT executor, with zlib; the bundle
    // script needs patchelf, readelf (binutils) and ldd (already in the base system).
    private const string Packages = "clang,zlib1g-dev,patchelf,binutils,libicu72,libssl3";

    // No source at all: every package is already in the global packages folder, and NuGet's audit,
    // which would ask a source for vulnerability data, then has nothing to ask (no NU1900 offline).
    private const string NuGetConfig = """
        <?xml version="1.0" encoding="utf-8"?>
        <configuration>
          <packageSources>
            <clear />
          </packageSources>
        </configuration>
        """;

    private const string Environment =
        "ENV DOTNET_ROOT=/usr/share/dotnet DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1 DOTNET_SKIP_FIRST_TIME_EXPERIENCE=1 DOTNET_CLI_WORKLOAD_UPDATE_NOTIFY_DISABLE=1";

    private static readonly Lazy<Task<string>> Built = new(BuildAsync);

    /// <summary>Builds the image unless it exists; returns its reference.</summary>
    public static Task<string> EnsureAsync() => Built.Value;

    private static async Task<string> BuildAsync()
    {
        await DockerDaemon.EnsureAsync();
        var repository = ExecutorBundle.RepositoryRoot();
        // The restores run while debootstrap does: each is mostly waiting on the network or the disk.
        var debian = EnsureBaseAsync();
        var restored = RestoredPackages.FindAsync(repository, DeploymentImages.Dockerfiles(repository));
        await Task.WhenAll(debian, restored);
        var (baseImage, packages) = (await debian, await restored);
        var dotnetRoot = DotnetSdk.Root();
        var reference = $"kr-test/sdk:{Tag(baseImage, dotnetRoot, packages)}";
        using var machineLock = await MachineLock.AcquireAsync(reference);
        if (await DockerCli.ImageExistsAsync(reference))
        {
            return reference;
        }

        var container = (await DockerCli.RunCheckedAsync("create", "--label", DockerCli.TestLabel, baseImage, "/bin/true")).Trim();
        try
        {
            // Streamed as tar archives into the container's root: no copy of the SDK or the packages on disk.
            await StreamAsync("tar -C \"$1\" --transform 's,^\\.,usr/share/dotnet,S' -c . | docker cp - \"$2\":/", dotnetRoot, container);
            await StreamAsync("d=$1 c=$2; shift 2; tar -C \"$d\" --exclude='*.nupkg' --transform 's,^,root/.nuget/packages/,S' -c \"$@\" | docker cp - \"$c\":/",
                [packages.PackagesFolder, container, .. packages.Paths]);
            await DockerCli.RunCheckedAsync("commit", "--change", Environment, "--change", $"LABEL {DockerCli.TestLabel}", container, reference);
        }
        finally
        {
            await DockerCli.RunAsync("rm", "--force", container);
        }

        return reference;
    }

    private static async Task<string> EnsureBaseAsync()
    {
        var reference = $"kr-test/sdk-base:{Hash($"{RecipeVersion}\ndebootstrap --variant=minbase --include={Packages} {Suite} {Mirror}\n{NuGetConfig}")}";
        using var machineLock = await MachineLock.AcquireAsync(reference);
        if (await DockerCli.ImageExistsAsync(reference))
        {
            return reference;
        }

        var work = Directory.CreateTempSubdirectory("kube-runner-sdk-");
        try
        {
            var root = Path.Combine(work.FullName, "root");
            await HostCommand.RunCheckedAsync("debootstrap", ["--variant=minbase", $"--include={Packages}", Suite, root, Mirror], TestTimeouts.Build);
            // The downloaded .debs and package lists are a sixth of the tree and of no use offline.
            foreach (var leftover in Directory.EnumerateFiles(Path.Combine(root, "var/cache/apt/archives"), "*.deb")
                .Concat(Directory.EnumerateFiles(Path.Combine(root, "var/lib/apt/lists"))))
            {
                File.Delete(leftover);
            }

            Directory.CreateDirectory(Path.Combine(root, "root/.nuget/packages"));
            Directory.CreateDirectory(Path.Combine(root, "root/.nuget/NuGet"));
            File.WriteAllText(Path.Combine(root, "root/.nuget/NuGet/NuGet.Config"), NuGetConfig + "\n");
            File.CreateSymbolicLink(Path.Combine(root, "usr/bin/dotnet"), "/usr/share/dotnet/dotnet");
            await StreamAsync("tar --numeric-owner -C \"$1\" -c . | docker import --change \"$2\" - \"$3\"", root, $"LABEL {DockerCli.TestLabel}", reference);
            return reference;
        }
        finally
        {
            work.Delete(recursive: true);
        }
    }

    /// <summary>Runs a pipeline in bash with pipefail, so that a failing tar fails it too.</summary>
    private static Task<string> StreamAsync(string script, params string[] args) =>
        HostCommand.RunCheckedAsync("/bin/bash", ["-c", "set -euo pipefail; " + script, "bash", .. args], TestTimeouts.Build);

    /// <summary>The base image, the SDK's versions (what sdk/, shared/, packs/ and host/fxr/ hold) and the packages.</summary>
    private static string Tag(string baseImage, string dotnetRoot, RestoredPackages packages)
    {
        var text = new StringBuilder($"{RecipeVersion}\n{baseImage}\n{Environment}\n");
        foreach (var version in DotnetSdk.Versions(dotnetRoot).Concat(packages.Paths))
        {
            text.Append(version).Append('\n');
        }

        return Hash(text.ToString());
    }

    private static string Hash(string text) => Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(text)))[..16];
}
