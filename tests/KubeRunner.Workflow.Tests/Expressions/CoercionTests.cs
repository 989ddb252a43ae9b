using KubeRunner.Workflow.Expressions;

namespace KubeRunner.Workflow.Tests.Expressions;

public sealed class CoercionTests
{
    [Theory]
    [InlineData("", 0)]
    [InlineData(" 12 ", 12)]
    [InlineData("0x1f", 31)]
    [InlineData("0o10", 8)]
    [InlineData("-1.5e2", -150)]
    [InlineData("Infinity", double.PositiveInfinity)]
    [InlineData("abc", double.NaN)]
    [InlineData("1 2", double.NaN)]
    public void ToNumber_String_ParsesAsGitHubDoes(string text, double expected)
    {
        Assert.Equal(expected, ExpressionCoercion.ToNumber(ExpressionValue.From(text)));
    }

    [Fact]
    public void ToText_Object_IsIndentedJson()
    {
        var value = ExpressionValue.ParseJson("""{"a":[1,"b"]}""");

        Assert.Equal("{\n  \"a\": [\n    1,\n    \"b\"\n  ]\n}", ExpressionCoercion.ToText(value));
    }

    [Fact]
    public void LooseEquals_SameObjectValue_IsEqualButCopyIsNot()
    {
        var value = ExpressionValue.ParseJson("""{"a":1}""");
        var copy = ExpressionValue.ParseJson("""{"a":1}""");

        Assert.True(ExpressionCoercion.LooseEquals(value, value));
        Assert.False(ExpressionCoercion.LooseEquals(value, copy));
    }

    [Fact]
    public void IsTruthy_NegativeZero_IsFalse()
    {
        Assert.False(ExpressionCoercion.IsTruthy(ExpressionValue.From(-0.0)));
    }
}
