using KubeRunner.Agent.Labels;
using Microsoft.Extensions.Options;

namespace KubeRunner.Agent.Configuration;

/// <summary>
/// Semantic checks of <see cref="RunnerOptions"/>. Each failure reads <c>key: problem</c> (list items
/// as <c>runner.labels[1]</c>) so that the loader can point at the line; the daemon can also register
/// this with <c>ValidateOnStart</c>.
/// </summary>
internal sealed class RunnerOptionsValidator : IValidateOptions<RunnerOptions>
{
    public ValidateOptionsResult Validate(string? name, RunnerOptions options)
    {
        List<string> failures = [];
        if (string.IsNullOrWhiteSpace(options.File))
        {
            failures.Add("runner.file: must name the registration file, e.g. .runner");
        }

        if (options.Capacity < 1)
        {
            failures.Add($"runner.capacity: must be at least 1, not {options.Capacity}");
        }

        Positive("runner.timeout", options.Timeout, failures);
        // A negative grace period would mean nothing; forgejo-runner's example documents 0 as "cancel at once".
        NotNegative("runner.shutdown_timeout", options.ShutdownTimeout, "0 cancels running jobs at once", failures);
        Positive("runner.fetch_timeout", options.FetchTimeout, failures);
        Positive("runner.fetch_interval", options.FetchInterval, failures);
        Positive("runner.report_interval", options.ReportInterval, failures);
        if (options.ReportRetry.MaxRetries < 0)
        {
            failures.Add($"runner.report_retry.max_retries: must not be negative, not {options.ReportRetry.MaxRetries}");
        }

        Positive("runner.report_retry.initial_delay", options.ReportRetry.InitialDelay, failures);
        NotNegative("runner.report_retry.max_delay", options.ReportRetry.MaxDelay, "0 means no maximum", failures);

        for (var index = 0; index < options.Labels.Count; index++)
        {
            if (!Label.TryParse(options.Labels[index], out _, out var problem))
            {
                failures.Add($"runner.labels[{index}]: {problem}");
            }
        }

        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }

    private static void Positive(string key, TimeSpan value, List<string> failures)
    {
        if (value <= TimeSpan.Zero)
        {
            failures.Add($"{key}: must be more than 0s, not {GoDuration.Format(value)}");
        }
    }

    internal static void NotNegative(string key, TimeSpan value, string hint, List<string> failures)
    {
        if (value < TimeSpan.Zero)
        {
            failures.Add($"{key}: must not be negative, not {GoDuration.Format(value)} ({hint})");
        }
    }
}
