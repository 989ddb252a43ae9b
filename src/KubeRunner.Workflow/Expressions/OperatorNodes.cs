namespace KubeRunner.Workflow.Expressions;

internal sealed class NotNode(ExpressionNode operand) : ExpressionNode
{
    internal override IEnumerable<ExpressionNode> Children => [operand];

    public override ExpressionValue Evaluate(ExpressionContext context) =>
        ExpressionValue.From(!ExpressionCoercion.IsTruthy(operand.Evaluate(context)));
}

/// <summary>
/// <c>&amp;&amp;</c> and <c>||</c> short-circuit and yield the operand that decided the result, not a
/// boolean, so <c>inputs.name || 'default'</c> works as a fallback.
/// </summary>
internal sealed class LogicalNode(ExpressionNode left, ExpressionNode right, bool isAnd) : ExpressionNode
{
    internal override IEnumerable<ExpressionNode> Children => [left, right];

    public override ExpressionValue Evaluate(ExpressionContext context)
    {
        var first = left.Evaluate(context);
        return ExpressionCoercion.IsTruthy(first) == isAnd ? right.Evaluate(context) : first;
    }
}

internal sealed class CompareNode(ExpressionNode left, ExpressionNode right, TokenKind op) : ExpressionNode
{
    internal override IEnumerable<ExpressionNode> Children => [left, right];

    public override ExpressionValue Evaluate(ExpressionContext context)
    {
        var a = left.Evaluate(context);
        var b = right.Evaluate(context);
        if (op is TokenKind.Equal or TokenKind.NotEqual)
        {
            return ExpressionValue.From(ExpressionCoercion.LooseEquals(a, b) == (op == TokenKind.Equal));
        }

        var order = ExpressionCoercion.Order(a, b);
        return ExpressionValue.From(order is { } o && op switch
        {
            TokenKind.Less => o < 0,
            TokenKind.LessOrEqual => o <= 0,
            TokenKind.Greater => o > 0,
            _ => o >= 0,
        });
    }
}
