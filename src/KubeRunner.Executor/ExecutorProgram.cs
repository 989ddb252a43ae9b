using System.Reflection;

namespace KubeRunner.Executor;

/// <summary>Entry point of <c>kube-runner-executor</c>.</summary>
internal static class ExecutorProgram
{
    public static string Version { get; } =
        typeof(ExecutorProgram).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion.Split('+')[0] ?? "0.0.0";

    public static async Task<int> RunAsync(string[] args)
    {
        if (args is ["--version"])
        {
            await Console.Out.WriteLineAsync($"kube-runner-executor {Version}");
            return ExecutorExitCodes.Success;
        }

        await Console.Error.WriteLineAsync("kube-runner-executor: not implemented yet");
        return ExecutorExitCodes.Usage;
    }
}
