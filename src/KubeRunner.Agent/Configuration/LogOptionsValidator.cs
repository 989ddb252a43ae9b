using Microsoft.Extensions.Options;

namespace KubeRunner.Agent.Configuration;

/// <summary>
/// Semantic checks of <see cref="LogOptions"/>. Each failure reads <c>key: problem</c> so that the
/// loader can point at the key's line; the daemon can also register this with <c>ValidateOnStart</c>.
/// </summary>
internal sealed class LogOptionsValidator : IValidateOptions<LogOptions>
{
    public ValidateOptionsResult Validate(string? name, LogOptions options)
    {
        List<string> failures = [];
        CheckLevel("log.level", options.Level, failures);
        CheckLevel("log.job_level", options.JobLevel, failures);
        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }

    private static void CheckLevel(string key, string level, List<string> failures)
    {
        var lower = level.ToLowerInvariant();
        if (!LogOptions.Levels.Contains(lower) && lower != "warning")
        {
            failures.Add($"{key}: '{level}' is not a log level (use {string.Join(", ", LogOptions.Levels)})");
        }
    }
}
