using System.Diagnostics;
using System.Text.Json;
using KubeRunner.Agent.Standby;
using KubeRunner.Agent.Tests.TestSupport;
using KubeRunner.Testing;
using KubeRunner.Testing.FakeForge;

namespace KubeRunner.Agent.Tests.EndToEnd.Standby;

/// <summary>
/// One daemon of a <see cref="StandbyFleet"/>: a real <c>kube-runner daemon</c> process in a directory of its
/// own (its HOME), registered on the fleet's fake forge as its own runner, with http.listen on a loopback port.
/// </summary>
internal sealed class FleetAgent : IDisposable
{
    private readonly CliRun _home = new();
    private readonly StatusClient _http = new();
    private readonly string _secret;
    private AgentProcess? _process;
    private string _earlier = "";

    public FleetAgent(string name, FakeRunner runner, string secret)
    {
        Name = name;
        Runner = runner;
        _secret = secret;
    }

    public string Name { get; }

    public FakeRunner Runner { get; }

    /// <summary>What its peers and <c>standby.peers</c> call it: its http.listen as a URL.</summary>
    public string Url => $"http://{_http.Listen}";

    public string Listen => _http.Listen;

    public string ConfigPath => _home.Path_("config.yaml");

    public string Path(string name) => _home.Path_(name);

    public void Write(string name, string content) => _home.Write(name, content);

    /// <summary>Starts the daemon (again, after <see cref="KillAsync"/>: same directory, same registration, a new boot).</summary>
    public void Start()
    {
        if (_process is not null)
        {
            _earlier += _process.Out + _process.Error + "--- restarted\n";
            _process.Dispose();
        }

        _process = AgentProcess.Start(_home.Directory, "daemon", "--config", ConfigPath);
    }

    /// <summary>Sends a signal (Linux number) to this test's own daemon process.</summary>
    public void Signal(int signal) => Running.Signal(signal);

    /// <summary>kill -9 of this test's own daemon process only, as a crash would end it; returns once it is gone.</summary>
    public async Task KillAsync()
    {
        var process = Running;
        process.KillAgentOnly();
        await process.WaitForExitAsync(TestTimeouts.Default);
    }

    /// <summary>Its <c>/standby/v1/status</c>, read with the fleet secret as a peer reads it.</summary>
    public async Task<PeerStatus> StatusAsync()
    {
        var answer = await _http.GetAsync(PeerStatusEndpoint.Path, _secret);
        if (answer.Status != System.Net.HttpStatusCode.OK)
        {
            throw new HttpRequestException($"{Name} answered {answer}");
        }

        return JsonSerializer.Deserialize(answer.Body, PeerStatusJson.Default.PeerStatus) ?? throw new JsonException($"{Name} answered null");
    }

    /// <summary>
    /// Reads the status until <paramref name="done"/> holds; returns it with the moment it was read
    /// (<see cref="Stopwatch.GetTimestamp"/>, the same monotonic clock the agent measures its ages with).
    /// </summary>
    public async Task<(PeerStatus Status, long ReadAt)> WaitForStatusAsync(Func<PeerStatus, bool> done, string what, TimeSpan? timeout = null)
    {
        var deadline = Stopwatch.GetTimestamp() + (long)((timeout ?? TestTimeouts.Default).TotalSeconds * Stopwatch.Frequency);
        PeerStatus? last = null;
        while (Stopwatch.GetTimestamp() < deadline)
        {
            try
            {
                last = await Running.WhileRunningAsync(StatusAsync());
                var readAt = Stopwatch.GetTimestamp();
                if (done(last))
                {
                    return (last, readAt);
                }
            }
            catch (HttpRequestException)
            {
                // Not listening or not registered yet.
            }

            await Task.Delay(TimeSpan.FromMilliseconds(50));
        }

        throw new TimeoutException($"{Name}: {what} did not happen in time; its last status: "
            + (last is null ? "none" : JsonSerializer.Serialize(last, PeerStatusJson.Default.PeerStatus)) + "\n--- log:\n" + Log(80));
    }

    /// <summary>Runs <c>kube-runner</c> in this process, as an operator would on this agent's machine, with <c>--config</c> of this agent.</summary>
    public async Task<(int Code, string Out, string Error)> CliAsync(params string[] args)
    {
        using var cli = new CliRun();
        var code = await cli.RunAsync([.. args, "--config", ConfigPath]);
        return (code, cli.Out, cli.Error);
    }

    /// <summary>The last <paramref name="lines"/> lines of what the daemon (its current and earlier processes) wrote.</summary>
    public string Log(int lines)
    {
        var all = (_earlier + (_process?.Out ?? "") + (_process?.Error ?? "")).Split('\n');
        return string.Join('\n', all.TakeLast(lines));
    }

    public void Dispose()
    {
        // The daemon and whatever it started: this test's own processes only.
        _process?.Dispose();
        _http.Dispose();
        _home.Dispose();
    }

    private AgentProcess Running => _process ?? throw new InvalidOperationException($"{Name} was not started");
}
