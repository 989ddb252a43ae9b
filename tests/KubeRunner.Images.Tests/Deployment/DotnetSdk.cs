using KubeRunner.Testing;
using KubeRunner.Testing.Docker;

namespace KubeRunner.Images.Tests.Deployment;

/// <summary>The .NET SDK of this machine: where it is installed, and running it outside the test host's MSBuild.</summary>
internal static class DotnetSdk
{
    /// <summary>The installation directory (sdk/, shared/, packs/, the dotnet host), e.g. /usr/share/dotnet.</summary>
    public static string Root()
    {
        var host = Host();
        var resolved = new FileInfo(host).ResolveLinkTarget(returnFinalTarget: true)?.FullName ?? host;
        var root = Path.GetDirectoryName(resolved)!;
        return Directory.Exists(Path.Combine(root, "sdk"))
            ? root
            : throw new InvalidOperationException($"{resolved} is not in a .NET SDK installation (no sdk/ next to it)");
    }

    /// <summary>
    /// What an installation holds, as relative directories (sdk/10.0.401, host/fxr/10.0.12,
    /// shared/Microsoft.NETCore.App/10.0.12, packs/…/version): a new SDK or runtime changes the list.
    /// </summary>
    public static IReadOnlyList<string> Versions(string root) =>
        [.. new[] { "sdk", "host/fxr" }.SelectMany(area => Children(Path.Combine(root, area)))
            .Concat(new[] { "shared", "packs" }.SelectMany(area => Children(Path.Combine(root, area)).SelectMany(Children)))
            .Select(directory => Path.GetRelativePath(root, directory))
            .Order(StringComparer.Ordinal)];

    /// <summary>Runs <c>dotnet</c> with <paramref name="args"/> in <paramref name="directory"/>; a failure throws with the output.</summary>
    public static Task<string> RunCheckedAsync(string directory, params string[] args)
    {
        // The test host runs inside `dotnet test`, whose MSBuild variables would steer the nested
        // command; build servers are disabled so that nothing outlives it holding the test's pipes.
        var environment = new Dictionary<string, string?>
        {
            ["MSBuildExtensionsPath"] = null,
            ["MSBuildSDKsPath"] = null,
            ["MSBUILD_EXE_PATH"] = null,
            ["MSBuildLoadMicrosoftTargetsReadOnly"] = null,
            ["DOTNET_CLI_TELEMETRY_OPTOUT"] = "1",
            ["DOTNET_NOLOGO"] = "1",
        };
        return HostCommand.RunCheckedAsync("/bin/sh", ["-c", "cd \"$1\" && shift && exec \"$@\"", "sh", directory, Host(), .. args, "--disable-build-servers"],
            TestTimeouts.Build, environment);
    }

    private static string Host()
    {
        if (Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") is { Length: > 0 } path && File.Exists(path))
        {
            return path;
        }

        return (Environment.GetEnvironmentVariable("PATH") ?? "").Split(':', StringSplitOptions.RemoveEmptyEntries)
            .Select(dir => Path.Combine(dir, "dotnet"))
            .FirstOrDefault(File.Exists)
            ?? throw new InvalidOperationException("no dotnet on PATH: the .NET SDK is needed to build the images");
    }

    private static string[] Children(string directory) => Directory.Exists(directory) ? Directory.GetDirectories(directory) : [];
}
