namespace KubeRunner.Agent.Configuration;

/// <summary>
/// Merges the dotenv file named by <c>runner.env_file</c> into <c>runner.envs</c>, its entries
/// winning. As in forgejo-runner, a missing file (or a directory) is silently skipped: the example
/// config names <c>.env</c>, which most installations do not have.
/// </summary>
internal static class EnvFileMerge
{
    public static void Apply(ConfigValues values, string? configFile, string currentDirectory)
    {
        var envFile = values.String("runner.env_file");
        if (string.IsNullOrEmpty(envFile))
        {
            return;
        }

        var fullPath = Path.GetFullPath(envFile, currentDirectory);
        if (!File.Exists(fullPath))
        {
            return;
        }

        string text;
        try
        {
            text = File.ReadAllText(fullPath);
        }
        catch (Exception exception) when (exception is IOException or UnauthorizedAccessException)
        {
            var line = values.LineOf("runner.env_file");
            throw ConfigException.At(line is null ? null : configFile, line, "runner.env_file",
                $"cannot read '{envFile}': {exception.Message}", exception);
        }

        var envs = (values.Map("runner.envs") ?? RunnerOptions.NoEnvs).ToBuilder();
        foreach (var (name, value) in DotEnvFile.Parse(text, envFile))
        {
            envs[name] = value;
        }

        values.Set("runner.envs", envs.ToImmutable());
    }
}
