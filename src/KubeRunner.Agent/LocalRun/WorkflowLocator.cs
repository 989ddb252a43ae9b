using KubeRunner.Agent.Cli;

namespace KubeRunner.Agent.LocalRun;

/// <summary>Finds the workflow file <c>kube-runner exec</c> runs.</summary>
internal static class WorkflowLocator
{
    /// <summary>Where forgejo-runner looks, in its order; .github is Forgejo's fallback too.</summary>
    private static readonly string[] _defaultDirectories = [Path.Combine(".forgejo", "workflows"), Path.Combine(".github", "workflows")];

    /// <summary>
    /// <paramref name="workflows"/> names a file (used as is) or a directory that must hold exactly one
    /// workflow; without it the default directories are tried. A choice between several files is the
    /// operator's to make, so that is refused rather than guessed.
    /// </summary>
    public static string Find(CliContext context, string? workflows)
    {
        if (workflows is not null)
        {
            var path = context.ResolvePath(workflows);
            if (File.Exists(path))
            {
                return path;
            }

            return Directory.Exists(path)
                ? Single(path, workflows)
                : throw new CliException(ExitCodes.Configuration, $"{workflows}: no such workflow file or directory");
        }

        foreach (var directory in _defaultDirectories)
        {
            var path = context.ResolvePath(directory);
            if (Directory.Exists(path))
            {
                return Single(path, directory);
            }
        }

        throw new CliException(ExitCodes.Usage, $"no workflow given and none found in {string.Join(" or ", _defaultDirectories)}; pass one with -W <file>");
    }

    private static string Single(string directory, string shown)
    {
        var files = Directory.EnumerateFiles(directory)
            .Where(f => f.EndsWith(".yml", StringComparison.Ordinal) || f.EndsWith(".yaml", StringComparison.Ordinal))
            .Order(StringComparer.Ordinal)
            .ToList();
        return files switch
        {
            [var one] => one,
            [] => throw new CliException(ExitCodes.Configuration, $"{shown} holds no workflow (*.yml, *.yaml)"),
            _ => throw new CliException(ExitCodes.Usage,
                $"{shown} holds {files.Count} workflows ({string.Join(", ", files.Select(Path.GetFileName))}); choose one with -W <file>"),
        };
    }
}
