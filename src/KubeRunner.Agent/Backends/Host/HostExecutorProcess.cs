using System.Diagnostics;
using System.Globalization;
using KubeRunner.Agent.Configuration;
using Microsoft.Extensions.Logging;

namespace KubeRunner.Agent.Backends.Host;

/// <summary>
/// Starts a local executor. It inherits the runner's environment (host steps do, as in
/// forgejo-runner) plus where to find the agent and its task's token; the executor removes its own
/// <c>KUBE_RUNNER_*</c> settings before any step sees the environment. Its stdout/stderr hold only its
/// own diagnostics (the job's output travels over gRPC) and go to the agent's log.
/// </summary>
internal static partial class HostExecutorProcess
{
    public static Process Start(string path, ExecutorOptions options, string token, long taskId, ILogger logger)
    {
        if (!File.Exists(path))
        {
            throw new IOException($"the executor binary is missing (set executor.path to where kube-runner-executor is)");
        }

        var info = new ProcessStartInfo(path)
        {
            UseShellExecute = false,
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        foreach (var (name, value) in ProcessEnvironment.Snapshot())
        {
            info.Environment[name] = value;
        }

        info.Environment["KUBE_RUNNER_AGENT"] = "unix://" + options.Socket;
        info.Environment["KUBE_RUNNER_TASK_ID"] = taskId.ToString(CultureInfo.InvariantCulture);
        info.Environment["KUBE_RUNNER_TOKEN"] = token;
        info.Environment["KUBE_RUNNER_RECONNECT_WINDOW"] = options.ReconnectWindow.TotalSeconds.ToString(CultureInfo.InvariantCulture);
        var process = Process.Start(info) ?? throw new InvalidOperationException("the executor process did not start");
        process.StandardInput.Close();
        process.OutputDataReceived += (_, e) => Output(logger, taskId, e.Data);
        process.ErrorDataReceived += (_, e) => Output(logger, taskId, e.Data);
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return process;
    }

    private static void Output(ILogger logger, long taskId, string? line)
    {
        if (!string.IsNullOrEmpty(line))
        {
            Log.ExecutorOutput(logger, taskId, line);
        }
    }

    private static partial class Log
    {
        [LoggerMessage(Diagnostics.EventIds.ExecutorOutput, LogLevel.Information, "Task {TaskId}: {Line}")]
        public static partial void ExecutorOutput(ILogger logger, long taskId, string line);
    }
}
