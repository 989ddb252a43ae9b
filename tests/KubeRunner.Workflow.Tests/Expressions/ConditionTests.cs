using KubeRunner.Workflow.Expressions;

namespace KubeRunner.Workflow.Tests.Expressions;

public sealed class ConditionTests
{
    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("   ")]
    public void Evaluate_BlankCondition_UsesSuccessByDefault(string? condition)
    {
        Assert.True(Condition.Evaluate(condition, TestContexts.Succeeding));
        Assert.False(Condition.Evaluate(condition, TestContexts.Failed));
    }

    [Fact]
    public void Evaluate_BlankConditionWithAlwaysDefault_RunsAfterFailure()
    {
        Assert.True(Condition.Evaluate(null, TestContexts.Failed, "always()"));
    }

    [Fact]
    public void Evaluate_NoStatusFunction_OnlyHoldsWhileSucceeding()
    {
        Assert.True(Condition.Evaluate("github.event_name == 'push'", TestContexts.Succeeding));
        Assert.False(Condition.Evaluate("github.event_name == 'push'", TestContexts.Failed));
    }

    [Fact]
    public void Evaluate_StatusFunctionPresent_IsNotGuardedBySuccess()
    {
        var successCalls = 0;
        var context = new ExpressionContext(TestContexts.Succeeding.Contexts)
        {
            Success = () =>
            {
                successCalls++;
                return false;
            },
            Failure = () => true,
        };

        Assert.True(Condition.Evaluate("${{ failure() && github.ref == 'refs/heads/main' }}", context));
        Assert.Equal(0, successCalls);
    }

    [Fact]
    public void Evaluate_JobFailing_DoesNotEvaluateTheExpression()
    {
        // success() && (expr) short-circuits, so a broken expression cannot fail an already failing job twice.
        Assert.False(Condition.Evaluate("fromJSON('{')", TestContexts.Failed));
        Assert.Throws<ExpressionException>(() => Condition.Evaluate("fromJSON('{')", TestContexts.Succeeding));
    }

    [Fact]
    public void Evaluate_CancelledJob_RunsOnlyAlwaysOrCancelledSteps()
    {
        Assert.False(Condition.Evaluate("success()", TestContexts.Cancelled));
        Assert.False(Condition.Evaluate("true", TestContexts.Cancelled));
        Assert.True(Condition.Evaluate("${{ cancelled() }}", TestContexts.Cancelled));
        Assert.True(Condition.Evaluate("always()", TestContexts.Cancelled));
    }

    [Fact]
    public void Evaluate_TextAroundExpression_IsANonEmptyStringAndTrue()
    {
        Assert.True(Condition.Evaluate("${{ false }} || false", TestContexts.Succeeding));
    }

    [Fact]
    public void Evaluate_SyntaxError_ThrowsWithExpressionText()
    {
        var error = Assert.Throws<ExpressionException>(() => Condition.Evaluate("${{ github.ref == }}", TestContexts.Succeeding));

        Assert.Contains("github.ref ==", error.Message, StringComparison.Ordinal);
    }
}
