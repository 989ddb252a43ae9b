using System.Diagnostics;
using System.Runtime.InteropServices;
using System.Text;

namespace KubeRunner.Agent.Tests.TestSupport;

/// <summary>The real <c>kube-runner</c> program (the app host built next to the tests), run as a child process.</summary>
internal sealed class AgentProcess : IDisposable
{
    private readonly Process _process;
    private readonly StringBuilder _out = new();
    private readonly StringBuilder _error = new();

    private AgentProcess(Process process)
    {
        _process = process;
        _process.OutputDataReceived += (_, e) => Append(_out, e.Data);
        _process.ErrorDataReceived += (_, e) => Append(_error, e.Data);
    }

    public string Out
    {
        get
        {
            lock (_out)
            {
                return _out.ToString();
            }
        }
    }

    public string Error
    {
        get
        {
            lock (_error)
            {
                return _error.ToString();
            }
        }
    }

    public static AgentProcess Start(string workingDirectory, params string[] args) => Start(workingDirectory, new Dictionary<string, string>(), args);

    /// <param name="environment">Set in the agent's environment; HOME is the working directory unless this sets it.</param>
    public static AgentProcess Start(string workingDirectory, IReadOnlyDictionary<string, string> environment, params string[] args)
    {
        var start = new ProcessStartInfo(Path.Combine(AppContext.BaseDirectory, "kube-runner"))
        {
            WorkingDirectory = workingDirectory,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = true,
            UseShellExecute = false,
        };
        // Its own home: the defaults under ~/.cache/act (workspaces, executor socket, task records)
        // must not be shared with daemons of tests running in parallel.
        start.Environment["HOME"] = workingDirectory;
        foreach (var (name, value) in environment)
        {
            start.Environment[name] = value;
        }

        foreach (var arg in args)
        {
            start.ArgumentList.Add(arg);
        }

        var process = new AgentProcess(Process.Start(start) ?? throw new InvalidOperationException("kube-runner did not start"));
        process._process.BeginOutputReadLine();
        process._process.BeginErrorReadLine();
        return process;
    }

    /// <summary>Waits for <paramref name="wait"/>, failing at once with the agent's output if the agent exits first.</summary>
    public async Task<T> WhileRunningAsync<T>(Task<T> wait)
    {
        if (await Task.WhenAny(wait, _process.WaitForExitAsync()) != wait)
        {
            throw new InvalidOperationException($"kube-runner exited with {_process.ExitCode} while the test waited; its output:\n{Out}{Error}");
        }

        try
        {
            return await wait;
        }
        catch (TimeoutException e)
        {
            throw new TimeoutException($"{e.Message}\n--- kube-runner's output:\n{Out}{Error}", e);
        }
    }

    /// <summary>Sends SIGTERM, as systemd and Kubernetes do to stop the daemon.</summary>
    public void Terminate()
    {
        const int Sigterm = 15;
        if (Kill(_process.Id, Sigterm) != 0)
        {
            throw new InvalidOperationException($"kill({_process.Id}, SIGTERM) failed: errno {Marshal.GetLastPInvokeError()}");
        }
    }

    /// <summary>Sends a signal by its Linux number (e.g. 10, SIGUSR1).</summary>
    public void Signal(int signal)
    {
        if (Kill(_process.Id, signal) != 0)
        {
            throw new InvalidOperationException($"kill({_process.Id}, {signal}) failed: errno {Marshal.GetLastPInvokeError()}");
        }
    }

    /// <summary>Sends SIGKILL to the agent alone (not its children), as a crash or an OOM kill would end it.</summary>
    public void KillAgentOnly()
    {
        const int Sigkill = 9;
        if (Kill(_process.Id, Sigkill) != 0)
        {
            throw new InvalidOperationException($"kill({_process.Id}, SIGKILL) failed: errno {Marshal.GetLastPInvokeError()}");
        }
    }

    public async Task<int> WaitForExitAsync(TimeSpan timeout)
    {
        using var cancel = new CancellationTokenSource(timeout);
        await _process.WaitForExitAsync(cancel.Token);
        return _process.ExitCode;
    }

    public void Dispose()
    {
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
        }

        _process.Dispose();
    }

    [DllImport("libc", EntryPoint = "kill", SetLastError = true)]
#pragma warning disable SYSLIB1054 // A plain int call; source-generated marshalling would need unsafe code here.
    private static extern int Kill(int pid, int signal);
#pragma warning restore SYSLIB1054

    private static void Append(StringBuilder builder, string? line)
    {
        if (line is not null)
        {
            lock (builder)
            {
                builder.AppendLine(line);
            }
        }
    }
}
