namespace KubeRunner.Executor.Actions;

/// <summary>An action that cannot be used as written; the message names the action and fails its step.</summary>
internal sealed class ActionProblem : Exception
{
    public ActionProblem(string message)
        : base(message)
    {
    }

    public ActionProblem(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
