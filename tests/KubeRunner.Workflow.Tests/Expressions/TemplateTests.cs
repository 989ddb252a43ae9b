using KubeRunner.Workflow.Expressions;

namespace KubeRunner.Workflow.Tests.Expressions;

public sealed class TemplateTests
{
    [Theory]
    [InlineData(null, false)]
    [InlineData("", false)]
    [InlineData("plain", false)]
    [InlineData("${ {x}}", false)]
    [InlineData("a ${{ b }}", true)]
    [InlineData("${{", true)]
    public void HasExpression_Text_DetectsOpeningMarker(string? text, bool expected)
    {
        Assert.Equal(expected, Template.HasExpression(text));
    }

    [Fact]
    public void Interpolate_NoExpression_ReturnsTextUnchanged()
    {
        const string text = "echo }} and { braces";

        Assert.Same(text, Template.Interpolate(text, TestContexts.Succeeding));
    }

    [Fact]
    public void Interpolate_SeveralExpressions_ReplacesEachWithItsText()
    {
        var result = Template.Interpolate(
            "run ${{ github.event_name }} on ${{ runner.os }} #${{ github.run_number }} debug=${{ inputs.debug }}${{ null }}",
            TestContexts.Succeeding);

        Assert.Equal("run push on Linux #7 debug=true", result);
    }

    [Fact]
    public void Interpolate_ClosingBracesInsideStringLiteral_DoNotEndTheExpression()
    {
        var result = Template.Interpolate("${{ format('{{{0}}}', 'x') }} and ${{ '}}' }}", TestContexts.Succeeding);

        Assert.Equal("{x} and }}", result);
    }

    [Fact]
    public void Interpolate_UnclosedExpression_ThrowsWithColumn()
    {
        var error = Assert.Throws<ExpressionException>(() => Template.Interpolate("abc ${{ github.ref", TestContexts.Succeeding));

        Assert.Contains("(column 5)", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void EvaluateValue_SingleExpression_KeepsObjectValue()
    {
        var value = Template.EvaluateValue(" ${{ needs.setup.outputs }} ", TestContexts.Succeeding);

        Assert.Equal(ExpressionKind.Object, value.Kind);
        Assert.Equal("1.2.3", value.AsObject["version"].AsString);
    }

    [Fact]
    public void EvaluateValue_NoExpression_ReturnsTheTextAsString()
    {
        var value = Template.EvaluateValue("42", TestContexts.Succeeding);

        Assert.Equal(ExpressionKind.String, value.Kind);
        Assert.Equal("42", value.AsString);
    }

    [Fact]
    public void Evaluate_HashFilesWithoutProvider_ThrowsNotAvailable()
    {
        var error = Assert.Throws<ExpressionException>(() => Expression.Evaluate("hashFiles('**/*.lock')", new ExpressionContext()));

        Assert.Equal("hashFiles is not available here", error.Message);
    }

    [Fact]
    public void Parse_Once_EvaluatesAgainstDifferentContexts()
    {
        var node = Expression.Parse("env.NAME || 'none'");
        var withName = new ExpressionContext();
        withName.Contexts["env"] = ExpressionValue.FromStrings([new("name", "set")]);

        Assert.Equal("set", node.Evaluate(withName).AsString);
        Assert.Equal("none", node.Evaluate(new ExpressionContext()).AsString);
    }

    [Theory]
    [InlineData("success()", true)]
    [InlineData("ALWAYS()", true)]
    [InlineData("!cancelled() && github.ref", true)]
    [InlineData("contains(needs.*.result, format('{0}', failure()))", true)]
    [InlineData("${{ failure() }}", true)]
    [InlineData("a ${{ github.ref }} b ${{ always() }}", true)]
    [InlineData("github.event_name == 'success()'", false)]
    [InlineData("contains(github.ref, 'always')", false)]
    [InlineData("${{ github.ref }}", false)]
    public void UsesStatusFunction_Expression_FindsCallsAnywhere(string text, bool expected)
    {
        Assert.Equal(expected, Expression.UsesStatusFunction(text));
    }

    [Fact]
    public void UsesStatusFunction_SyntaxError_Throws()
    {
        Assert.Throws<ExpressionException>(() => Expression.UsesStatusFunction("success() &&"));
    }
}
