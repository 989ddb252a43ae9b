namespace KubeRunner.Workflow.Expressions;

/// <summary>A parsed expression; parse once with <see cref="Expression.Parse"/>, evaluate against many contexts.</summary>
public abstract class ExpressionNode
{
    // Only this assembly defines node kinds: the parser relies on knowing all of them.
    private protected ExpressionNode()
    {
    }

    /// <exception cref="ExpressionException">A function failed, e.g. <c>fromJSON</c> on text that is not JSON.</exception>
    public abstract ExpressionValue Evaluate(ExpressionContext context);

    /// <summary>The direct sub-expressions, for walks such as looking for status functions.</summary>
    internal virtual IEnumerable<ExpressionNode> Children => [];

    internal IEnumerable<ExpressionNode> DescendantsAndSelf()
    {
        var pending = new Stack<ExpressionNode>();
        pending.Push(this);
        while (pending.Count > 0)
        {
            var node = pending.Pop();
            yield return node;
            foreach (var child in node.Children)
            {
                pending.Push(child);
            }
        }
    }
}
