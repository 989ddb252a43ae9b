using System.Collections;
using System.Globalization;

namespace KubeRunner.Executor;

/// <summary>
/// How an executor finds its agent and task. The backend sets these; the token comes from the
/// environment or a file (a Kubernetes Secret), never from the command line, where every process
/// of the container could read it.
/// </summary>
internal sealed record ExecutorArguments(string Agent, long TaskId, string Token, TimeSpan ReconnectWindow)
{
    public const string AgentVariable = "KUBE_RUNNER_AGENT";
    public const string TaskVariable = "KUBE_RUNNER_TASK_ID";
    public const string TokenVariable = "KUBE_RUNNER_TOKEN";
    public const string TokenFileVariable = "KUBE_RUNNER_TOKEN_FILE";
    public const string ReconnectVariable = "KUBE_RUNNER_RECONNECT_WINDOW";

    public static readonly TimeSpan DefaultReconnectWindow = TimeSpan.FromMinutes(15);

    /// <summary>
    /// The executor's environment: the one place that reads it. Its own <c>KUBE_RUNNER_*</c> settings
    /// are left out of <c>ForSteps</c>, the environment the steps start from.
    /// </summary>
    public static (Dictionary<string, string> All, Dictionary<string, string> ForSteps) ProcessEnvironment()
    {
        var all = Environment.GetEnvironmentVariables().Cast<DictionaryEntry>()
            .ToDictionary(e => (string)e.Key, e => (string?)e.Value ?? "", StringComparer.Ordinal);
        var forSteps = all.Where(e => !e.Key.StartsWith("KUBE_RUNNER_", StringComparison.Ordinal))
            .ToDictionary(e => e.Key, e => e.Value, StringComparer.Ordinal);
        return (all, forSteps);
    }

    /// <summary>Reads the settings; the problem is a one-line message for stderr.</summary>
    public static (ExecutorArguments? Arguments, string? Problem) Read(IReadOnlyDictionary<string, string> env)
    {
        string? Get(string name) => env.TryGetValue(name, out var value) && value.Length > 0 ? value : null;

        var agent = Get(AgentVariable);
        if (agent is null)
        {
            return (null, $"{AgentVariable} is not set: it names the agent to report to (unix:///path or http://host:port)");
        }

        if (!long.TryParse(Get(TaskVariable), NumberStyles.None, CultureInfo.InvariantCulture, out var taskId))
        {
            return (null, $"{TaskVariable} is not a task id");
        }

        var token = Get(TokenVariable);
        if (token is null && Get(TokenFileVariable) is { } file)
        {
            try
            {
                token = File.ReadAllText(file).Trim();
            }
            catch (IOException e)
            {
                return (null, $"{TokenFileVariable}: cannot read {file}: {e.Message}");
            }
        }

        if (string.IsNullOrEmpty(token))
        {
            return (null, $"neither {TokenVariable} nor {TokenFileVariable} gives this task's token");
        }

        var window = DefaultReconnectWindow;
        if (Get(ReconnectVariable) is { } seconds)
        {
            if (!double.TryParse(seconds, NumberStyles.Float, CultureInfo.InvariantCulture, out var s) || s <= 0)
            {
                return (null, $"{ReconnectVariable} must be a number of seconds, got '{seconds}'");
            }

            window = TimeSpan.FromSeconds(s);
        }

        return (new ExecutorArguments(agent, taskId, token, window), null);
    }
}
