using System.Runtime.InteropServices;
using KubeRunner.Protocol.Contexts;
using KubeRunner.Workflow.Expressions;
using KubeRunner.Workflow.Model;

namespace KubeRunner.Agent.Backends.Docker.Spec;

/// <summary>
/// The contexts <c>container:</c> and <c>services:</c> are evaluated in before the job container exists:
/// github (with the job id), vars, secrets, needs, matrix (the task's single combination), inputs,
/// strategy, runner and the workflow and job env (interpolated, as the executor does it).
/// </summary>
internal static class ContainerContext
{
    /// <exception cref="ExpressionException">The workflow or job env has an expression that fails.</exception>
    /// <exception cref="MatrixException">The matrix cannot be expanded.</exception>
    public static ExpressionContext Build(ForgeTask task, WorkflowDefinition workflow, JobDefinition job, string labelName)
    {
        var github = ContextValues.From(task.Context).AsObject;
        github["job"] = ExpressionValue.From(job.Id);
        var contexts = new ExpressionObject
        {
            ["github"] = ExpressionValue.From(github),
            ["vars"] = ExpressionValue.FromStrings(task.Vars),
            ["secrets"] = ExpressionValue.FromStrings(task.Secrets),
            ["needs"] = ContextValues.Needs(task.Needs),
            ["inputs"] = github.TryGetValue("event", out var e) && e.Kind == ExpressionKind.Object && e.AsObject.TryGetValue("inputs", out var inputs)
                ? inputs
                : ExpressionValue.From(new ExpressionObject()),
            ["strategy"] = ExpressionValue.From(new ExpressionObject
            {
                ["fail-fast"] = ExpressionValue.From(job.Strategy?.FailFast != "false"),
                ["max-parallel"] = ExpressionValue.From(1),
            }),
            ["matrix"] = ExpressionValue.From(job.Strategy?.Matrix is { } matrix && MatrixExpander.Expand(matrix) is [var combination, ..]
                ? combination
                : new ExpressionObject()),
            ["runner"] = ExpressionValue.From(new ExpressionObject
            {
                ["os"] = ExpressionValue.From("Linux"),
                ["arch"] = ExpressionValue.From(RuntimeInformation.OSArchitecture == Architecture.Arm64 ? "ARM64" : "X64"),
                ["name"] = ExpressionValue.From(labelName),
            }),
        };
        // As the executor does it: the workflow's env sees no env, the job's sees the workflow's.
        contexts["env"] = ExpressionValue.From(new ExpressionObject());
        List<KeyValuePair<string, string>> env = [.. Interpolated(workflow.Env, contexts)];
        contexts["env"] = ExpressionValue.FromStrings(env);
        env.AddRange(Interpolated(job.Env, contexts));
        contexts["env"] = ExpressionValue.FromStrings(env);
        return new ExpressionContext(contexts);
    }

    private static List<KeyValuePair<string, string>> Interpolated(IEnumerable<KeyValuePair<string, string>> env, ExpressionObject contexts)
    {
        var context = new ExpressionContext(contexts);
        return [.. env.Select(e => new KeyValuePair<string, string>(e.Key, Template.Interpolate(e.Value, context)))];
    }
}
