using KubeRunner.Workflow.Expressions;

namespace KubeRunner.Workflow.Tests.Expressions;

/// <summary>
/// Runs every row of conformance.tsv: <c>name TAB input TAB expected</c>. The input is an expression,
/// or <c>if: …</c> for <see cref="Condition.Evaluate"/>, or <c>template: …</c> for
/// <see cref="Template.EvaluateValue"/>, optionally preceded by <c>@failed</c> or <c>@cancelled</c>
/// to change the job status. Expected is JSON (plus bare NaN, Infinity, -Infinity) or
/// <c>error: text the message must contain</c>.
/// </summary>
public sealed class ExpressionConformanceTests
{
    private const string ErrorPrefix = "error: ";

    public static TheoryData<string, string, string> Cases()
    {
        var data = new TheoryData<string, string, string>();
        var path = Path.Combine(AppContext.BaseDirectory, "Expressions", "conformance.tsv");
        foreach (var (line, number) in File.ReadLines(path).Select((l, i) => (l, i + 1)))
        {
            if (string.IsNullOrWhiteSpace(line) || line.StartsWith('#'))
            {
                continue;
            }

            var columns = line.Split('\t');
            if (columns.Length != 3)
            {
                throw new InvalidDataException($"conformance.tsv line {number}: expected 3 tab-separated columns, found {columns.Length}");
            }

            data.Add(columns[0], columns[1], columns[2]);
        }

        return data;
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public void Evaluate_ConformanceCase_MatchesExpected(string name, string input, string expected)
    {
        Assert.False(string.IsNullOrEmpty(name));
        var run = Runner(input);
        if (expected.StartsWith(ErrorPrefix, StringComparison.Ordinal))
        {
            var error = Assert.Throws<ExpressionException>(() => run());
            Assert.Contains(expected[ErrorPrefix.Length..], error.Message, StringComparison.Ordinal);
            return;
        }

        var actual = run();
        Assert.True(
            ValueComparer.Same(ValueComparer.ParseExpected(expected), actual),
            $"expected {expected} but got {ValueComparer.Show(actual)}");
    }

    [Fact]
    public void Cases_Table_HasAtLeast300UniquelyNamedRows()
    {
        var names = Cases().Select(row => (string)row[0]).ToList();

        Assert.True(names.Count >= 300, $"only {names.Count} cases");
        Assert.Equal(names.Count, names.Distinct(StringComparer.Ordinal).Count());
    }

    private static Func<ExpressionValue> Runner(string input)
    {
        var context = TestContexts.Succeeding;
        if (TrimPrefix(ref input, "@failed "))
        {
            context = TestContexts.Failed;
        }
        else if (TrimPrefix(ref input, "@cancelled "))
        {
            context = TestContexts.Cancelled;
        }

        if (TrimPrefix(ref input, "if: "))
        {
            return () => ExpressionValue.From(Condition.Evaluate(input, context));
        }

        if (TrimPrefix(ref input, "template: "))
        {
            return () => Template.EvaluateValue(input, context);
        }

        return () => Expression.Evaluate(input, context);
    }

    private static bool TrimPrefix(ref string input, string prefix)
    {
        if (!input.StartsWith(prefix, StringComparison.Ordinal))
        {
            return false;
        }

        input = input[prefix.Length..];
        return true;
    }
}
