namespace KubeRunner.Workflow.Shells;

/// <summary>
/// How a <c>run:</c> step is executed: the command template (<c>{0}</c> is the script path), the
/// script file's extension, and the lines wrapped around the script. Templates and wrappers are
/// forgejo-runner's, which follow GitHub's runner.
/// </summary>
public sealed record ShellCommand(string Name, string Template, string ScriptExtension, string Prepend, string Append)
{
    private const string BashTemplate = "bash --noprofile --norc -e -o pipefail {0}";

    // PowerShell otherwise carries on after a failing cmdlet and exits 0 after a failing program.
    private const string PowerShellPrepend = "$ErrorActionPreference = 'stop'";

    private const string PowerShellAppend = "if ((Test-Path -LiteralPath variable:/LASTEXITCODE)) { exit $LASTEXITCODE }";

    /// <summary>
    /// The shell for a step's resolved <c>shell</c> value (step, then job, then workflow default). Without
    /// one, bash when <paramref name="commandExists"/> finds it, else sh.
    /// </summary>
    public static ShellCommand Resolve(string? shell, Func<string, bool> commandExists)
    {
        ArgumentNullException.ThrowIfNull(commandExists);
        if (string.IsNullOrWhiteSpace(shell))
        {
            shell = commandExists("bash") ? "bash" : "sh";
        }

        shell = shell.Trim();
        return shell switch
        {
            "bash" => new("bash", BashTemplate, ".sh", string.Empty, string.Empty),
            "sh" => new("sh", "sh -e {0}", ".sh", string.Empty, string.Empty),
            "python" => new("python", "python {0}", ".py", string.Empty, string.Empty),
            "pwsh" or "powershell" => new(shell, $"{shell} -command . '{{0}}'", ".ps1", PowerShellPrepend, PowerShellAppend),
            "cmd" => new("cmd", "cmd /D /E:ON /V:OFF /S /C \"CALL \"{0}\"\"", ".cmd", "@echo off", string.Empty),
            "node" => new("node", "node {0}", ".js", string.Empty, string.Empty),
            _ => Custom(shell),
        };
    }

    /// <summary>
    /// The script file's content: the run text between the shell's prepend and append lines, always
    /// joined with newlines so script line numbers match forgejo-runner's (the run text starts on line 2).
    /// </summary>
    public string WrapScript(string run)
    {
        ArgumentNullException.ThrowIfNull(run);
        return $"{Prepend}\n{run}\n{Append}";
    }

    /// <summary>
    /// The argv to execute: the template split into words as a POSIX shell would (quotes and
    /// backslashes respected), with <c>{0}</c> replaced by the script path in each word. Replacing after
    /// splitting keeps a path with spaces in one argument.
    /// </summary>
    /// <exception cref="FormatException">The template has an unterminated quote.</exception>
    public IReadOnlyList<string> Arguments(string scriptPath)
    {
        ArgumentNullException.ThrowIfNull(scriptPath);
        return [.. ShellWords.Split(Template).Select(word => word.Replace("{0}", scriptPath, StringComparison.Ordinal))];
    }

    /// <summary>
    /// A custom template is used verbatim, as forgejo-runner does: it does not add <c>{0}</c> when it
    /// is missing (such a command runs without the script). The extension follows the program name, as
    /// GitHub's runner does, because e.g. <c>pwsh -File {0}</c> refuses files not ending in .ps1.
    /// </summary>
    private static ShellCommand Custom(string template)
    {
        var words = ShellWords.TrySplit(template);
        var program = words is { Count: > 0 } ? Path.GetFileNameWithoutExtension(words[0]) : template;
        var extension = program switch
        {
            "bash" or "sh" => ".sh",
            "python" or "python3" => ".py",
            "pwsh" or "powershell" => ".ps1",
            "cmd" => ".cmd",
            "node" => ".js",
            _ => string.Empty,
        };
        return new(template, template, extension, string.Empty, string.Empty);
    }
}
