using KubeRunner.Agent.Configuration;

namespace KubeRunner.Agent.Tests.Configuration;

public sealed class ValidatorTests
{
    [Fact]
    public void Validate_DefaultOptions_Succeed()
    {
        Assert.True(new RunnerOptionsValidator().Validate(null, new RunnerOptions()).Succeeded);
        Assert.True(new LogOptionsValidator().Validate(null, new LogOptions()).Succeeded);
    }

    [Fact]
    public void Validate_RunnerOptionsBreakingEveryRule_ListsEachFailureWithItsKey()
    {
        var options = new RunnerOptions
        {
            File = " ",
            Capacity = 0,
            Timeout = TimeSpan.Zero,
            ShutdownTimeout = TimeSpan.FromSeconds(-1),
            FetchTimeout = TimeSpan.FromSeconds(-5),
            FetchInterval = TimeSpan.Zero,
            ReportInterval = TimeSpan.Zero,
            Labels = ["ok", " bad"],
            ReportRetry = new RetryOptions { MaxRetries = -1, InitialDelay = TimeSpan.Zero, MaxDelay = TimeSpan.FromMilliseconds(-1) },
        };

        var result = new RunnerOptionsValidator().Validate(null, options);

        Assert.Equal(
            [
                "runner.file: must name the registration file, e.g. .runner",
                "runner.capacity: must be at least 1, not 0",
                "runner.timeout: must be more than 0s, not 0s",
                "runner.shutdown_timeout: must not be negative, not -1s (0 cancels running jobs at once)",
                "runner.fetch_timeout: must be more than 0s, not -5s",
                "runner.fetch_interval: must be more than 0s, not 0s",
                "runner.report_interval: must be more than 0s, not 0s",
                "runner.report_retry.max_retries: must not be negative, not -1",
                "runner.report_retry.initial_delay: must be more than 0s, not 0s",
                "runner.report_retry.max_delay: must not be negative, not -1ms (0 means no maximum)",
                "runner.labels[1]: invalid label \" bad\": the name \" bad\" starts or ends with whitespace (use name[:scheme[:argument]])",
            ],
            result.Failures);
    }

    [Theory]
    [InlineData("warning")]
    [InlineData("INFO")]
    [InlineData("panic")]
    public void Validate_KnownLevelAnyCase_Succeeds(string level)
    {
        Assert.True(new LogOptionsValidator().Validate(null, new LogOptions { Level = level, JobLevel = level }).Succeeded);
    }

    [Fact]
    public void Validate_UnknownLevels_FailsForEachKey()
    {
        var result = new LogOptionsValidator().Validate(null, new LogOptions { Level = "verbose", JobLevel = "" });

        Assert.Equal(
            [
                "log.level: 'verbose' is not a log level (use trace, debug, info, warn, error, fatal, panic)",
                "log.job_level: '' is not a log level (use trace, debug, info, warn, error, fatal, panic)",
            ],
            result.Failures);
    }
}
