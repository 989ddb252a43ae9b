using System.Text.Json;
using System.Text.RegularExpressions;

namespace KubeRunner.Images.Tests.Deployment;

/// <summary>
/// The NuGet packages that the Dockerfiles' <c>dotnet restore</c> commands need, found by running
/// exactly those commands on this machine (its own package sources and global packages folder) in a
/// copy of the project files, and reading the assets files they write. The local SDK image carries
/// these packages and no others, so that its restores need no network.
/// </summary>
internal sealed partial record RestoredPackages(string PackagesFolder, IReadOnlyList<string> Paths)
{
    /// <summary>The files a restore reads: the Dockerfiles copy the same ones before theirs.</summary>
    private static readonly string[] RootFiles = ["global.json", "Directory.Build.props", "Directory.Packages.props"];

    public static async Task<RestoredPackages> FindAsync(string repository, IEnumerable<string> dockerfiles)
    {
        var restores = dockerfiles.SelectMany(file => RestoreCommand().Matches(File.ReadAllText(file)))
            .Select(match => match.Groups["args"].Value.Trim())
            .Distinct(StringComparer.Ordinal)
            .ToList();
        if (restores.Count == 0)
        {
            throw new InvalidOperationException("the Dockerfiles run no `dotnet restore`: nothing says which packages the SDK image needs");
        }

        var work = Directory.CreateTempSubdirectory("kube-runner-restore-");
        try
        {
            foreach (var file in RootFiles)
            {
                File.Copy(Path.Combine(repository, file), Path.Combine(work.FullName, file));
            }

            foreach (var project in Directory.EnumerateFiles(Path.Combine(repository, "src"), "*.csproj", SearchOption.AllDirectories))
            {
                var copy = Path.Combine(work.FullName, Path.GetRelativePath(repository, project));
                Directory.CreateDirectory(Path.GetDirectoryName(copy)!);
                File.Copy(project, copy);
            }

            foreach (var args in restores)
            {
                await DotnetSdk.RunCheckedAsync(work.FullName, ["restore", .. args.Split(' ', StringSplitOptions.RemoveEmptyEntries)]);
            }

            return Read(Directory.EnumerateFiles(work.FullName, "project.assets.json", SearchOption.AllDirectories).ToList());
        }
        finally
        {
            work.Delete(recursive: true);
        }
    }

    private static RestoredPackages Read(IReadOnlyList<string> assetsFiles)
    {
        string? folder = null;
        var paths = new SortedSet<string>(StringComparer.Ordinal);
        foreach (var file in assetsFiles)
        {
            using var assets = JsonDocument.Parse(File.ReadAllText(file));
            var root = assets.RootElement;
            // The first package folder is the global packages folder, the one restore extracts into.
            folder ??= root.GetProperty("packageFolders").EnumerateObject().First().Name;
            foreach (var library in root.GetProperty("libraries").EnumerateObject())
            {
                if (library.Value.GetProperty("type").GetString() == "package")
                {
                    paths.Add(library.Value.GetProperty("path").GetString()!);
                }
            }

            // Runtime and ILCompiler packs are not libraries: restore downloads them for the runtime identifier.
            foreach (var framework in root.GetProperty("project").GetProperty("frameworks").EnumerateObject())
            {
                if (framework.Value.TryGetProperty("downloadDependencies", out var downloads))
                {
                    foreach (var download in downloads.EnumerateArray())
                    {
                        var version = download.GetProperty("version").GetString()!.Trim('[', ']').Split(',')[0].Trim();
                        paths.Add($"{download.GetProperty("name").GetString()!.ToLowerInvariant()}/{version.ToLowerInvariant()}");
                    }
                }
            }
        }

        if (folder is null)
        {
            throw new InvalidOperationException("the restores wrote no project.assets.json");
        }

        var missing = paths.Where(path => !Directory.Exists(Path.Combine(folder, path))).ToList();
        return missing.Count == 0
            ? new RestoredPackages(folder, [.. paths])
            : throw new InvalidOperationException($"restored packages missing from {folder}: {string.Join(", ", missing)}");
    }

    [GeneratedRegex(@"^RUN dotnet restore (?<args>[^\\\r\n]+)$", RegexOptions.Multiline)]
    private static partial Regex RestoreCommand();
}
