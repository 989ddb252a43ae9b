using System.Collections;
using System.Runtime.InteropServices;
using System.Text;
using KubeRunner.Protocol.Executor.V1;

namespace KubeRunner.Executor.Processes;

/// <summary>
/// <c>kube-runner-executor exec &lt;file&gt;</c>: the first process of a Docker action's container.
/// The agent copied the bundle and a file with the action's command line and environment into the
/// container, so that neither appears in the container's configuration (they may carry secrets).
/// This reads the file, deletes it, and replaces itself with the action's process (execve): the
/// action runs as the container's main process, with the image's environment below the step's.
/// </summary>
internal static unsafe class ContainerExec
{
    /// <summary>What a shell answers for a command it cannot run.</summary>
    public const int CannotRun = 127;

    /// <returns>Only when the action cannot be started: <see cref="CannotRun"/>.</returns>
    public static int Run(string file, TextWriter error)
    {
        ContainerCommand command;
        try
        {
            command = ContainerCommand.Parser.ParseFrom(File.ReadAllBytes(file));
            File.Delete(file);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or Google.Protobuf.InvalidProtocolBufferException)
        {
            error.WriteLine($"kube-runner-executor: cannot read the action's command from {file}: {e.Message}");
            return CannotRun;
        }

        var env = Environment(command.Env);
        if (command.Argv.Count == 0)
        {
            error.WriteLine("kube-runner-executor: the action gives no command to run");
            return CannotRun;
        }

        var program = ExecutablePath.Find(command.Argv[0], env.GetValueOrDefault("PATH"));
        if (program is null)
        {
            error.WriteLine($"kube-runner-executor: '{command.Argv[0]}' was not found in the image (PATH {env.GetValueOrDefault("PATH")})");
            return CannotRun;
        }

        var errno = Exec(program, [.. command.Argv], [.. env.Select(e => $"{e.Key}={e.Value}")]);
        error.WriteLine($"kube-runner-executor: cannot run {program}: {Marshal.GetPInvokeErrorMessage(errno)}");
        return CannotRun;
    }

    /// <summary>The container's own environment (the image's, Docker's HOSTNAME), then the step's.</summary>
    public static Dictionary<string, string> Environment(IEnumerable<KeyValuePair<string, string>> step)
    {
        var env = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (DictionaryEntry entry in System.Environment.GetEnvironmentVariables())
        {
            env[(string)entry.Key] = (string?)entry.Value ?? "";
        }

        foreach (var (key, value) in step)
        {
            env[key] = value;
        }

        return env;
    }

    /// <returns>The error number; execve returns only when it failed.</returns>
    private static int Exec(string program, string[] argv, string[] envp)
    {
        // The runtime ignores SIGPIPE and may block signals; the action gets the defaults, as from Docker
        // (best effort: a failure here leaves a disposition the action could still change itself).
        _ = LibC.Signal(LibC.SigPipe, 0);
        var empty = stackalloc byte[LibC.OpaqueSize];
        _ = LibC.SigEmptySet(empty);
        _ = LibC.PthreadSigMask(LibC.SigSetMask, empty, null);
        using var args = new NativeStringArray(argv, "an argument");
        using var vars = new NativeStringArray(envp, "an environment variable");
        var path = Encoding.UTF8.GetBytes(program + "\0");
        fixed (byte* p = path)
        {
            _ = LibC.Execve(p, args.Pointer, vars.Pointer);
        }

        return Marshal.GetLastPInvokeError();
    }
}
