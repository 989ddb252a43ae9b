using KubeRunner.Agent.Configuration;
using KubeRunner.Agent.Forge.Connect;
using Microsoft.Extensions.Logging;

namespace KubeRunner.Agent.Cli;

/// <summary>
/// What a command may touch of the outside world. The program passes the real console, environment
/// and clock; tests pass their own, and run every command in process.
/// </summary>
internal sealed record CliContext
{
    public required TextReader In { get; init; }

    public required TextWriter Out { get; init; }

    public required TextWriter Error { get; init; }

    public required IReadOnlyDictionary<string, string> Environment { get; init; }

    public required string HomeDirectory { get; init; }

    /// <summary>Relative paths (config file, runner.file) are resolved against it.</summary>
    public required string CurrentDirectory { get; init; }

    public string HostName { get; init; } = System.Environment.MachineName;

    public TimeProvider Time { get; init; } = TimeProvider.System;

    /// <summary>Creates the HTTP client for the forge; the argument is <c>runner.insecure</c>.</summary>
    public Func<bool, HttpClient> CreateHttpClient { get; init; } = ForgeHttp.CreateClient;

    /// <summary>
    /// Where the daemon's log goes; by default the console, one line per entry, with the scopes
    /// (<c>=&gt; TaskId:42</c> on every line written for a task).
    /// </summary>
    public Action<ILoggingBuilder> ConfigureLogging { get; init; } = static logging =>
        logging.AddSimpleConsole(console =>
        {
            console.SingleLine = true;
            console.IncludeScopes = true;
            console.TimestampFormat = "yyyy-MM-ddTHH:mm:ss.fffZ ";
            console.UseUtcTimestamp = true;
        });

    public static CliContext FromProcess() => new()
    {
        In = Console.In,
        Out = Console.Out,
        Error = Console.Error,
        Environment = ProcessEnvironment.Snapshot(),
        HomeDirectory = System.Environment.GetFolderPath(System.Environment.SpecialFolder.UserProfile),
        CurrentDirectory = System.Environment.CurrentDirectory,
    };

    public string ResolvePath(string path) => Path.GetFullPath(path, CurrentDirectory);

    public void Warn(string message) => Error.WriteLine($"kube-runner: warning: {message}");
}
