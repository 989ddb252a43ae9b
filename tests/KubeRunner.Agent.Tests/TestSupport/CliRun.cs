using KubeRunner.Agent.Cli;
using Microsoft.Extensions.Logging;

namespace KubeRunner.Agent.Tests.TestSupport;

/// <summary>Runs <c>kube-runner</c> in process in a temporary working directory, capturing its output.</summary>
internal sealed class CliRun : IDisposable
{
    public CliRun()
    {
        Directory = Path.Combine(Path.GetTempPath(), "kube-runner-test-" + Guid.NewGuid().ToString("N"));
        System.IO.Directory.CreateDirectory(Directory);
    }

    public string Directory { get; }

    public Dictionary<string, string> Environment { get; } = [];

    /// <summary>What commands run in process logged (the daemon's log).</summary>
    public CapturingLogger Log { get; } = new();

    public string Input { get; set; } = string.Empty;

    /// <summary>Replaces the forge HTTP client, e.g. to make it fail in ways no operator can cause.</summary>
    public Func<bool, HttpClient>? CreateHttpClient { get; set; }

    public string Out { get; private set; } = string.Empty;

    public string Error { get; private set; } = string.Empty;

    public string RunnerFile => Path.Combine(Directory, ".runner");

    public string Path_(string name) => Path.Combine(Directory, name);

    public async Task<int> RunAsync(params string[] args) => await RunAsync(CancellationToken.None, args);

    public async Task<int> RunAsync(CancellationToken cancellationToken, params string[] args)
    {
        using var output = new StringWriter();
        using var error = new StringWriter();
        var context = new CliContext
        {
            In = new StringReader(Input),
            Out = output,
            Error = error,
            Environment = Environment,
            HomeDirectory = Directory,
            CurrentDirectory = Directory,
            HostName = "test-host",
            // Kept for assertion messages: what the daemon logged is often why a scenario went wrong.
            ConfigureLogging = logging => logging.AddProvider(new CapturingLoggerProvider(Log)),
        };
        if (CreateHttpClient is not null)
        {
            context = context with { CreateHttpClient = CreateHttpClient };
        }

        var code = await KubeRunnerCli.InvokeAsync(args, context, cancellationToken);
        Out = output.ToString();
        Error = error.ToString();
        return code;
    }

    public void Write(string name, string content) => File.WriteAllText(Path_(name), content);

    public void Dispose() => System.IO.Directory.Delete(Directory, recursive: true);
}
