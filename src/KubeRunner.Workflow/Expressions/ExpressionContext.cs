namespace KubeRunner.Workflow.Expressions;

/// <summary>
/// What an expression can see: the named values (contexts) and the job-state callbacks behind the
/// status functions and <c>hashFiles</c>, which only the executor can answer.
/// </summary>
public sealed class ExpressionContext
{
    public ExpressionContext()
        : this(new ExpressionObject())
    {
    }

    public ExpressionContext(ExpressionObject contexts)
    {
        ArgumentNullException.ThrowIfNull(contexts);
        Contexts = contexts;
    }

    /// <summary>
    /// Named values such as <c>github</c>, <c>env</c> or <c>matrix</c>, looked up case-insensitively.
    /// A known name that is absent here evaluates to null.
    /// </summary>
    public ExpressionObject Contexts { get; }

    /// <summary>Answers <c>success()</c>; when null the job is taken to be going well.</summary>
    public Func<bool>? Success { get; init; }

    /// <summary>Answers <c>failure()</c>; when null nothing has failed.</summary>
    public Func<bool>? Failure { get; init; }

    /// <summary>Answers <c>cancelled()</c>; when null nothing was cancelled.</summary>
    public Func<bool>? Cancelled { get; init; }

    /// <summary>
    /// Computes <c>hashFiles</c> from its patterns and whether symbolic links are followed; when null
    /// the function raises an error, as hashing needs the job's workspace.
    /// </summary>
    public Func<IReadOnlyList<string>, bool, string>? HashFiles { get; init; }
}
