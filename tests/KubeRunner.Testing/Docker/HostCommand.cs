using System.ComponentModel;
using System.Diagnostics;

namespace KubeRunner.Testing.Docker;

/// <summary>Runs a tool of the test machine (docker, tar, debootstrap, dotnet) to completion, within a bound.</summary>
public static class HostCommand
{
    /// <summary>Runs <paramref name="file"/>; a missing tool is a <see cref="Win32Exception"/>, a timeout kills it and throws.</summary>
    public static async Task<CommandResult> RunAsync(string file, IEnumerable<string> args, TimeSpan timeout,
        IReadOnlyDictionary<string, string?>? environment = null)
    {
        var start = new ProcessStartInfo(file)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = true,
            UseShellExecute = false,
        };
        foreach (var arg in args)
        {
            start.ArgumentList.Add(arg);
        }

        foreach (var (name, value) in environment ?? new Dictionary<string, string?>())
        {
            start.Environment[name] = value;
        }

        using var process = Process.Start(start) ?? throw new InvalidOperationException($"{file} did not start");
        process.StandardInput.Close();
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        using var cancel = new CancellationTokenSource(timeout);
        try
        {
            await process.WaitForExitAsync(cancel.Token);
        }
        catch (OperationCanceledException)
        {
            // Only the process this call started (and its children) is killed.
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"{file} {string.Join(' ', start.ArgumentList)} did not finish within {timeout}");
        }

        return new CommandResult(process.ExitCode, await stdout, await stderr);
    }

    /// <summary>Like <see cref="RunAsync"/>, but a non-zero exit is an exception naming the command and its output.</summary>
    public static async Task<string> RunCheckedAsync(string file, IEnumerable<string> args, TimeSpan timeout,
        IReadOnlyDictionary<string, string?>? environment = null)
    {
        var list = args.ToList();
        var result = await RunAsync(file, list, timeout, environment);
        if (result.ExitCode != 0)
        {
            throw new InvalidOperationException($"{file} {string.Join(' ', list)} failed: {result.Describe()}");
        }

        return result.Stdout;
    }
}
