using System.Collections.Immutable;

namespace KubeRunner.Agent.Configuration;

/// <summary>The <c>runner</c> section of config.yaml.</summary>
internal sealed record RunnerOptions
{
    public const string DefaultFile = ".runner";
    public const int DefaultCapacity = 1;

    public static readonly TimeSpan DefaultTimeout = TimeSpan.FromHours(3);
    public static readonly TimeSpan DefaultFetchTimeout = TimeSpan.FromSeconds(5);
    public static readonly TimeSpan DefaultFetchInterval = TimeSpan.FromSeconds(2);
    public static readonly TimeSpan DefaultReportInterval = TimeSpan.FromSeconds(1);

    /// <summary>No job environment; names compare ordinally, as environment variable names do on Linux.</summary>
    public static readonly ImmutableSortedDictionary<string, string> NoEnvs = ImmutableSortedDictionary.Create<string, string>(StringComparer.Ordinal);

    /// <summary>Path of the <c>.runner</c> registration file, as written (relative to the working directory).</summary>
    public string File { get; init; } = DefaultFile;

    /// <summary>Number of jobs run at the same time.</summary>
    public int Capacity { get; init; } = DefaultCapacity;

    /// <summary>Extra environment for every job, including the entries of <see cref="EnvFile"/>.</summary>
    public IReadOnlyDictionary<string, string> Envs { get; init; } = NoEnvs;

    /// <summary>dotenv file merged into <see cref="Envs"/> when it exists; empty means none.</summary>
    public string EnvFile { get; init; } = "";

    /// <summary>Hard limit on the duration of one job.</summary>
    public TimeSpan Timeout { get; init; } = DefaultTimeout;

    /// <summary>Time running jobs get to finish on shutdown; zero cancels them at once.</summary>
    public TimeSpan ShutdownTimeout { get; init; } = TimeSpan.Zero;

    /// <summary>Skip TLS certificate verification towards the Forgejo instance.</summary>
    public bool Insecure { get; init; }

    public TimeSpan FetchTimeout { get; init; } = DefaultFetchTimeout;

    public TimeSpan FetchInterval { get; init; } = DefaultFetchInterval;

    public TimeSpan ReportInterval { get; init; } = DefaultReportInterval;

    /// <summary>Full label strings (<c>name[:scheme[:argument]]</c>); when set they replace those of <c>.runner</c>.</summary>
    public IReadOnlyList<string> Labels { get; init; } = [];

    public RetryOptions ReportRetry { get; init; } = new();
}
