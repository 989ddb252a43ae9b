using System.Globalization;

namespace KubeRunner.Agent.Configuration;

/// <summary>
/// The configuration environment variables act_runner had before config.yaml existed. As in
/// forgejo-runner (internal/pkg/config/deprecated.go) they are honoured only when no config file is
/// given, each one that is set produces a deprecation warning, and with a config file each one
/// that is set is reported as ignored.
/// </summary>
internal static class LegacyEnvironment
{
    private static readonly (string Name, string Replacement, Action<string, ConfigValues> Apply)[] Variables =
    [
        ("GITEA_DEBUG", "log.level", (value, values) => SetLevelIfTrue(value, "debug", values)),
        ("GITEA_TRACE", "log.level", (value, values) => SetLevelIfTrue(value, "trace", values)),
        ("GITEA_RUNNER_CAPACITY", "runner.capacity", ApplyCapacity),
        ("GITEA_RUNNER_FILE", "runner.file", (value, values) => values.Set("runner.file", value)),
        ("GITEA_RUNNER_ENVIRON", "runner.envs", ApplyEnviron),
        ("GITEA_RUNNER_ENV_FILE", "runner.env_file", (value, values) => values.Set("runner.env_file", value)),
    ];

    public static void Apply(bool configFileUsed, IReadOnlyDictionary<string, string> environment, ConfigValues values, List<ConfigWarning> warnings)
    {
        foreach (var (name, replacement, apply) in Variables)
        {
            if (!environment.TryGetValue(name, out var value))
            {
                continue;
            }

            if (configFileUsed)
            {
                warnings.Add(new ConfigWarning(null, null, name, $"ignored because a config file is used; set {replacement} in the config file instead"));
                continue;
            }

            warnings.Add(new ConfigWarning(null, null, name, $"deprecated; set {replacement} in a config file instead"));
            apply(value, values);
        }
    }

    // Values that are not booleans or not positive numbers are ignored without error, as Go's
    // strconv.ParseBool / strconv.Atoi results are in forgejo-runner.
    private static void SetLevelIfTrue(string value, string level, ConfigValues values)
    {
        if (value is "1" or "t" or "T" or "TRUE" or "true" or "True")
        {
            values.Set("log.level", level);
        }
    }

    private static void ApplyCapacity(string value, ConfigValues values)
    {
        if (int.TryParse(value, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var capacity) && capacity > 0)
        {
            values.Set("runner.capacity", capacity);
        }
    }

    // K:V,K:V — each pair split on its first ':'; pairs without ':' or with an empty name are skipped.
    private static void ApplyEnviron(string value, ConfigValues values)
    {
        var envs = (values.Map("runner.envs") ?? RunnerOptions.NoEnvs).ToBuilder();
        foreach (var pair in value.Split(','))
        {
            var colon = pair.IndexOf(':', StringComparison.Ordinal);
            if (colon > 0)
            {
                envs[pair[..colon]] = pair[(colon + 1)..];
            }
        }

        values.Set("runner.envs", envs.ToImmutable());
    }
}
