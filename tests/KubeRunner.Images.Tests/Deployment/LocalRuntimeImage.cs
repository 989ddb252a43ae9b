using System.Security.Cryptography;
using System.Text;
using KubeRunner.Testing;
using KubeRunner.Testing.Docker;

namespace KubeRunner.Images.Tests.Deployment;

/// <summary>
/// Stands in for <c>mcr.microsoft.com/dotnet/aspnet:10.0-bookworm-slim</c> as agent.Dockerfile's
/// RUNTIME_IMAGE, built here with no registry: the Debian test image (debootstrap minbase, so larger
/// than Microsoft's slim image) with this machine's .NET and ASP.NET Core runtimes at
/// /usr/share/dotnet and /usr/bin/dotnet linked to them, the layout of Microsoft's image. It holds
/// no SDK, so the agent image's own check that it has none means something. Built once per machine
/// under a tag made of the Debian image and the runtime versions.
/// </summary>
internal static class LocalRuntimeImage
{
    /// <summary>Bump to rebuild after changing the recipe in a way the inputs do not show.</summary>
    private const string RecipeVersion = "1";

    private static readonly Lazy<Task<string>> Built = new(BuildAsync);

    public static Task<string> EnsureAsync() => Built.Value;

    private static async Task<string> BuildAsync()
    {
        var debian = await TestImages.EnsureAsync(TestImage.Debian);
        var dotnetRoot = DotnetSdk.Root();
        var runtimes = DotnetSdk.Versions(dotnetRoot).Where(version => version.StartsWith("shared/", StringComparison.Ordinal)
            || version.StartsWith("host/", StringComparison.Ordinal)).ToList();
        var reference = $"kr-test/aspnet:{Hash(string.Join('\n', [RecipeVersion, debian, .. runtimes]))}";
        using var machineLock = await MachineLock.AcquireAsync(reference);
        if (await DockerCli.ImageExistsAsync(reference))
        {
            return reference;
        }

        var container = (await DockerCli.RunCheckedAsync("create", "--label", DockerCli.TestLabel, debian, "/bin/true")).Trim();
        try
        {
            // The host (dotnet), hostfxr and the shared frameworks; not sdk/, packs/ or templates/.
            await HostCommand.RunCheckedAsync("/bin/bash",
                ["-c", "set -euo pipefail; tar -C \"$1\" --transform 's,^,usr/share/dotnet/,S' -c dotnet host shared | docker cp - \"$2\":/",
                 "bash", dotnetRoot, container], TestTimeouts.Build);
            var link = Directory.CreateTempSubdirectory("kube-runner-dotnet-link-");
            try
            {
                // `docker cp` copies a symbolic link as a link.
                File.CreateSymbolicLink(Path.Combine(link.FullName, "dotnet"), "/usr/share/dotnet/dotnet");
                await DockerCli.RunCheckedAsync("cp", Path.Combine(link.FullName, "dotnet"), $"{container}:/usr/bin/dotnet");
            }
            finally
            {
                link.Delete(recursive: true);
            }

            // The environment Microsoft's image sets (its own user, app 1654, is of no use here).
            await DockerCli.RunCheckedAsync("commit", "--change", "ENV ASPNETCORE_HTTP_PORTS=8080 DOTNET_RUNNING_IN_CONTAINER=true",
                "--change", $"LABEL {DockerCli.TestLabel}", container, reference);
        }
        finally
        {
            await DockerCli.RunAsync("rm", "--force", container);
        }

        return reference;
    }

    private static string Hash(string text) => Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(text)))[..16];
}
