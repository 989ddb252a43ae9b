using System.Diagnostics;

namespace KubeRunner.Testing.Git;

/// <summary>Runs the test machine's <c>git</c> cut off from the user's and the system's git configuration.</summary>
internal static class GitTool
{
    private static readonly Lazy<Task<string>> ExecPath = new(async () => (await RunCheckedAsync(["--exec-path"], null, CancellationToken.None)).Trim());

    /// <summary>Where git keeps its helper programs, such as <c>git-http-backend</c>.</summary>
    public static Task<string> ExecPathAsync() => ExecPath.Value;

    /// <summary>Starts <paramref name="file"/> (git or one of its helpers) with the isolated environment and all streams redirected.</summary>
    public static Process Start(string file, IEnumerable<string> args, IReadOnlyDictionary<string, string>? environment = null)
    {
        var start = new ProcessStartInfo(file)
        {
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var arg in args)
        {
            start.ArgumentList.Add(arg);
        }

        // A developer's ~/.gitconfig (signing, hooks, default branch) must not change what tests see.
        start.Environment["GIT_CONFIG_GLOBAL"] = "/dev/null";
        start.Environment["GIT_CONFIG_NOSYSTEM"] = "1";
        start.Environment["GIT_TERMINAL_PROMPT"] = "0";
        foreach (var (name, value) in environment ?? new Dictionary<string, string>())
        {
            start.Environment[name] = value;
        }

        return Process.Start(start) ?? throw new InvalidOperationException($"{file} did not start");
    }

    /// <summary>Runs git to the end and returns its raw standard output, or null when it failed.</summary>
    public static async Task<byte[]?> TryRunAsync(IEnumerable<string> args, string? directory, CancellationToken cancellationToken)
    {
        var (exitCode, stdout, _) = await RunAsync(args, directory, cancellationToken);
        return exitCode == 0 ? stdout : null;
    }

    /// <summary>Runs git to the end; a non-zero exit is an exception naming the command and its error output.</summary>
    public static async Task<string> RunCheckedAsync(IReadOnlyList<string> args, string? directory, CancellationToken cancellationToken)
    {
        var (exitCode, stdout, stderr) = await RunAsync(args, directory, cancellationToken);
        return exitCode == 0
            ? System.Text.Encoding.UTF8.GetString(stdout)
            : throw new InvalidOperationException($"git {string.Join(' ', args)} failed (exit {exitCode}): {stderr.Trim()}");
    }

    private static async Task<(int ExitCode, byte[] Stdout, string Stderr)> RunAsync(IEnumerable<string> args, string? directory, CancellationToken cancellationToken)
    {
        List<string> all = directory is null ? [] : ["-C", directory];
        all.AddRange(args);
        using var process = Start("git", all);
        process.StandardInput.Close();
        using var stdout = new MemoryStream();
        var copy = process.StandardOutput.BaseStream.CopyToAsync(stdout, cancellationToken);
        var stderr = process.StandardError.ReadToEndAsync(cancellationToken);
        using var bound = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        bound.CancelAfter(TestTimeouts.Default);
        try
        {
            await process.WaitForExitAsync(bound.Token);
            await copy;
            return (process.ExitCode, stdout.ToArray(), await stderr);
        }
        catch (OperationCanceledException)
        {
            // Only the git this call started is killed.
            process.Kill(entireProcessTree: true);
            throw;
        }
    }
}
