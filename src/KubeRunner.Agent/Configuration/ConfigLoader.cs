using System.Collections.Immutable;
using System.Globalization;
using Microsoft.Extensions.Options;

namespace KubeRunner.Agent.Configuration;

/// <summary>
/// Loads the effective configuration the way forgejo-runner's <c>config.LoadDefault</c> does: the
/// config file (optional), then the deprecated environment variables, then <c>runner.env_file</c>,
/// then defaults, then the <c>network_mode</c> migration. Unlike forgejo-runner it reports unknown
/// keys as warnings and every invalid value as a <see cref="ConfigException"/> naming file, line and key.
/// </summary>
internal static class ConfigLoader
{
    public const string ClientTimeoutVariable = "FORGEJO_CLIENT_TIMEOUT";

    /// <param name="path">The config file (<c>--config</c>), or null/empty to run on defaults.</param>
    /// <param name="environment">The process environment; nothing else reads environment variables.</param>
    /// <param name="homeDirectory">Base of the default cache and host work directories.</param>
    /// <param name="currentDirectory">Base of relative paths (config file, env_file, host.workdir_parent).</param>
    public static RunnerConfig Load(string? path, IReadOnlyDictionary<string, string> environment, string homeDirectory, string currentDirectory)
    {
        List<ConfigWarning> warnings = [];
        var file = string.IsNullOrEmpty(path) ? null : path;
        string? sourcePath = null;
        var values = new ConfigValues();
        if (file is not null)
        {
            sourcePath = Path.GetFullPath(file, currentDirectory);
            values = ConfigYamlReader.Read(ReadConfigFile(file, sourcePath), file, warnings);
        }

        LegacyEnvironment.Apply(file is not null, environment, values, warnings);
        EnvFileMerge.Apply(values, file, currentDirectory);

        var host = ConfigDefaults.Host(values, homeDirectory, currentDirectory);
        var standby = ConfigDefaults.Standby(values, currentDirectory);
        foreach (var (key, message) in StandbyOptionsValidator.Warnings(standby))
        {
            warnings.Add(new ConfigWarning(file, values.LineOf(key), key, message));
        }

        var config = new RunnerConfig
        {
            Log = ConfigDefaults.Log(values),
            Runner = ConfigDefaults.Runner(values),
            Cache = ConfigDefaults.Cache(values, homeDirectory),
            Container = ConfigDefaults.Container(values, file, warnings),
            Host = host,
            Executor = ConfigDefaults.Executor(values, host, currentDirectory),
            Http = ConfigDefaults.Http(values),
            Registration = ConfigDefaults.Registration(values, currentDirectory),
            Standby = standby,
            Actions = ConfigDefaults.Actions(values, host, currentDirectory),
            Docker = ConfigDefaults.Docker(values, environment, currentDirectory),
            Kubernetes = ConfigDefaults.Kubernetes(values, currentDirectory),
            ClientTimeout = ClientTimeout(environment, warnings),
            SourcePath = sourcePath,
            Warnings = warnings.ToImmutableArray(),
        };

        ThrowOnFailure(new LogOptionsValidator().Validate(null, config.Log), values, file);
        ThrowOnFailure(new RunnerOptionsValidator().Validate(null, config.Runner), values, file);
        ThrowOnFailure(new RegistrationOptionsValidator().Validate(null, config.Registration), values, file);
        ThrowOnFailure(ValidateListen("http.listen", config.Http.Listen), values, file);
        ThrowOnFailure(new StandbyOptionsValidator(config.Http.Listen).Validate(null, config.Standby), values, file);
        ThrowOnFailure(new ActionsOptionsValidator().Validate(null, config.Actions), values, file);
        ThrowOnFailure(new ContainerOptionsValidator().Validate(null, config.Container), values, file);
        ThrowOnFailure(new DockerOptionsValidator(config.Executor.Listen).Validate(null, config.Docker), values, file);
        ThrowOnFailure(new KubernetesOptionsValidator().Validate(null, config.Kubernetes), values, file);
        return config;
    }

    private static string ReadConfigFile(string file, string fullPath)
    {
        try
        {
            return File.ReadAllText(fullPath);
        }
        catch (Exception exception) when (exception is FileNotFoundException or DirectoryNotFoundException)
        {
            throw ConfigException.At(file, null, null, "config file not found (create one with 'kube-runner generate-config > config.yaml')", exception);
        }
        catch (Exception exception) when (exception is IOException or UnauthorizedAccessException)
        {
            throw ConfigException.At(file, null, null, $"cannot read config file: {exception.Message}", exception);
        }
    }

    // forgejo-runner's HTTP client (internal/pkg/client/http.go): whole seconds, 60 when unset; a value
    // that does not parse is reported and ignored. Go's http.Client treats 0 as "no timeout".
    private static TimeSpan ClientTimeout(IReadOnlyDictionary<string, string> environment, List<ConfigWarning> warnings)
    {
        if (!environment.TryGetValue(ClientTimeoutVariable, out var text) || text.Length == 0)
        {
            return RunnerConfig.DefaultClientTimeout;
        }

        if (!long.TryParse(text, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var seconds) || seconds > int.MaxValue)
        {
            warnings.Add(new ConfigWarning(null, null, ClientTimeoutVariable,
                $"'{text}' is not a whole number of seconds; using {GoDuration.Format(RunnerConfig.DefaultClientTimeout)}"));
            return RunnerConfig.DefaultClientTimeout;
        }

        return seconds <= 0 ? Timeout.InfiniteTimeSpan : TimeSpan.FromSeconds(seconds);
    }

    private static ValidateOptionsResult ValidateListen(string key, string listen)
    {
        try
        {
            if (listen.Length > 0)
            {
                ListenAddress.Parse(listen, key);
            }

            return ValidateOptionsResult.Success;
        }
        catch (ConfigException e)
        {
            return ValidateOptionsResult.Fail(e.Message);
        }
    }

    private static void ThrowOnFailure(ValidateOptionsResult result, ConfigValues values, string? file)
    {
        var failure = result.Failures?.FirstOrDefault();
        if (failure is null)
        {
            return;
        }

        // Validator messages read "key: problem"; put the key's line in front when the file set it.
        var separator = failure.IndexOf(": ", StringComparison.Ordinal);
        var key = separator > 0 ? failure[..separator] : null;
        var problem = separator > 0 ? failure[(separator + 2)..] : failure;
        var line = key is null ? null : values.LineOf(key);
        throw ConfigException.At(line is null ? null : file, line, key, problem);
    }
}
