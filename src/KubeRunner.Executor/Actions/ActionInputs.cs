using KubeRunner.Workflow.Expressions;
using KubeRunner.Workflow.Model;

namespace KubeRunner.Executor.Actions;

/// <summary>
/// The inputs a step gives its action: each declared input from the step's <c>with</c> (names match
/// case-insensitively, as on GitHub), else its default; both may hold expressions, evaluated in the
/// calling step's context (so a default of <c>${{ github.token }}</c> works). Keys of <c>with</c> the
/// action does not declare are passed on too, as forgejo-runner does.
/// </summary>
internal static class ActionInputs
{
    /// <exception cref="ActionProblem">A required input has no value.</exception>
    public static List<KeyValuePair<string, string>> Evaluate(PreparedAction action, StepDefinition step, ExpressionContext context)
    {
        var given = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        foreach (var (key, value) in step.With)
        {
            given[key] = value;
        }

        var inputs = new List<KeyValuePair<string, string>>();
        foreach (var (name, input) in action.Manifest.Inputs)
        {
            if (given.Remove(name, out var value))
            {
                inputs.Add(new(name, Template.Interpolate(value, context)));
            }
            else if (input.Default is { } fallback)
            {
                inputs.Add(new(name, Template.Interpolate(fallback, context)));
            }
            else if (input.Required)
            {
                throw new ActionProblem($"{action.Name}: the input '{name}' is required; give it under with: in step '{step.DisplayName}'");
            }
            else
            {
                inputs.Add(new(name, ""));
            }
        }

        foreach (var (name, value) in given)
        {
            inputs.Add(new(name, Template.Interpolate(value, context)));
        }

        return inputs;
    }

    /// <summary>INPUT_&lt;NAME&gt;: upper case, spaces as underscores (the toolkit's getInput reads it so).</summary>
    public static string EnvName(string input) => "INPUT_" + input.Replace(' ', '_').ToUpperInvariant();

    /// <summary>The <c>inputs</c> context of a composite action's steps.</summary>
    public static ExpressionObject Context(IEnumerable<KeyValuePair<string, string>> inputs)
    {
        var context = new ExpressionObject();
        foreach (var (name, value) in inputs)
        {
            context[name] = ExpressionValue.From(value);
        }

        return context;
    }
}
