using System.Diagnostics;

namespace KubeRunner.Agent.Actions;

/// <summary>
/// The fallback for servers without archive downloads: the agent machine's own <c>git</c> fetches the
/// one commit (shallow) into a directory, which then loses its <c>.git</c>. Only the agent needs git
/// for this, never the job's image.
/// </summary>
internal sealed class GitFetcher(string? executable)
{
    /// <summary>The <c>git</c> binary used, or null when the machine has none.</summary>
    public string? Executable { get; } = executable;

    public bool IsAvailable => Executable is not null;

    /// <summary>A fetcher using the first <c>git</c> on <paramref name="path"/> (the agent's PATH), if any.</summary>
    public static GitFetcher FromPath(string? path)
    {
        var directories = (path ?? "").Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries);
        var name = OperatingSystem.IsWindows() ? "git.exe" : "git";
        return new GitFetcher(directories.Select(directory => Path.Join(directory, name)).FirstOrDefault(File.Exists));
    }

    /// <summary>Fetches commit <paramref name="sha"/> of <paramref name="repositoryUrl"/> into the existing, empty <paramref name="target"/>.</summary>
    /// <exception cref="InvalidOperationException">git failed; the message is git's last error line.</exception>
    public async Task FetchAsync(string repositoryUrl, string sha, string target, CancellationToken cancellationToken)
    {
        var git = Executable ?? throw new InvalidOperationException("there is no git binary on this machine");
        await RunAsync(git, "init", ["init", "-q", target], cancellationToken);
        // Protocol v2 (git's default) lets a client ask for any commit, not only advertised tips.
        await RunAsync(git, "fetch", ["-C", target, "fetch", "-q", "--depth", "1", "--no-tags", repositoryUrl, sha], cancellationToken);
        await RunAsync(git, "checkout", ["-C", target, "-c", "advice.detachedHead=false", "checkout", "-q", "FETCH_HEAD"], cancellationToken);
        Directory.Delete(Path.Join(target, ".git"), recursive: true);
    }

    private static async Task RunAsync(string git, string step, IReadOnlyList<string> args, CancellationToken cancellationToken)
    {
        var start = new ProcessStartInfo(git)
        {
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        // No credential helper and no prompt: no token is sent for actions, and nobody could answer.
        foreach (var arg in (string[])["-c", "credential.helper=", .. args])
        {
            start.ArgumentList.Add(arg);
        }

        start.Environment["GIT_TERMINAL_PROMPT"] = "0";
        start.Environment["GCM_INTERACTIVE"] = "never";
        using var process = Process.Start(start) ?? throw new InvalidOperationException($"{git} did not start");
        process.StandardInput.Close();
        var stdout = process.StandardOutput.ReadToEndAsync(CancellationToken.None);
        var stderr = process.StandardError.ReadToEndAsync(CancellationToken.None);
        try
        {
            await process.WaitForExitAsync(cancellationToken);
        }
        catch (OperationCanceledException)
        {
            // Only the git this fetch started is ended.
            process.Kill(entireProcessTree: true);
            throw;
        }

        await stdout;
        var errors = (await stderr).Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        if (process.ExitCode != 0)
        {
            throw new InvalidOperationException($"git {step} failed (exit {process.ExitCode}): {errors.LastOrDefault() ?? "no message"}");
        }
    }
}
