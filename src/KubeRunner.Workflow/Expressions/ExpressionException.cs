namespace KubeRunner.Workflow.Expressions;

/// <summary>
/// A workflow expression could not be parsed or evaluated. The message names the problem and, for
/// syntax errors, the column and the expression text, because it ends up in a job log read by a person.
/// </summary>
public sealed class ExpressionException : Exception
{
    public ExpressionException()
    {
    }

    public ExpressionException(string message)
        : base(message)
    {
    }

    public ExpressionException(string message, Exception innerException)
        : base(message, innerException)
    {
    }

    internal static ExpressionException At(string problem, int column, string text) =>
        new($"{problem} (column {column}): {text}");
}
