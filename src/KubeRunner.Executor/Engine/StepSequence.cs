using KubeRunner.Protocol.Contexts;
using KubeRunner.Workflow.Expressions;
using KubeRunner.Workflow.Model;
using Result = KubeRunner.Protocol.Runner.V1.Result;

namespace KubeRunner.Executor.Engine;

/// <summary>
/// Walks the steps of a frame (the job's, or a composite action's): a step's <c>if</c> (wrapped in
/// <c>success() &amp;&amp; (…)</c> unless it names a status function) decides whether it runs; its
/// outcome and conclusion (after continue-on-error) go to the frame's <c>steps</c> context and the
/// log; a failed conclusion fails the job (or the composite).
/// </summary>
internal sealed class StepSequence(JobRun run, JobLog log, StepRunners runners, StepFrame frame, TimeProvider time)
{
    public async Task RunAsync(StepDefinition step, CancellationToken jobCancel)
    {
        var wasCancelled = run.State.Status == JobStatus.Cancelled;
        var scope = new StepScope(run.State, frame.StateKey(step.EffectiveId));
        bool runIt;
        try
        {
            runIt = Condition.Evaluate(step.If, run.Context(StepEnv(), frame: frame));
        }
        catch (ExpressionException e)
        {
            Record(step, Result.Failure, Result.Failure, scope, $"line {step.Line}: the condition of step '{step.DisplayName}' cannot be evaluated: {e.Message}");
            return;
        }

        if (!runIt)
        {
            if (frame.IsJob)
            {
                log.StepFinished(step.Index, Result.Skipped, Result.Skipped);
            }

            SetStepsContext(step, "skipped", "skipped", scope);
            return;
        }

        if (frame.IsJob)
        {
            log.StepStarted(step.Index);
        }

        // After a cancel, the steps that asked to run anyway get their own time (the agent bounds it).
        var token = wasCancelled ? CancellationToken.None : jobCancel;
        var (outcome, problem) = await RunStepAsync(step, scope, token);
        if (scope.FileError is not null && outcome == Result.Success)
        {
            outcome = Result.Failure;
        }

        var continueOnError = outcome == Result.Failure && ContinueOnError(step);
        var conclusion = continueOnError ? Result.Success : outcome;
        if (continueOnError)
        {
            log.Row(LogStep(step), "⚙️ [runner]: The step failed, and continue-on-error lets the job go on.");
        }

        Record(step, outcome, conclusion, scope, problem);
    }

    private async Task<(Result Outcome, string? Problem)> RunStepAsync(StepDefinition step, StepScope scope, CancellationToken jobCancel)
    {
        TimeSpan? stepTimeout;
        try
        {
            stepTimeout = JobEngine.Minutes(step.TimeoutMinutes, run.Context(StepEnv(), frame: frame));
        }
        catch (ExpressionException e)
        {
            return (Result.Failure, AtLine(step, e));
        }

        using var timeout = stepTimeout is { } t ? new CancellationTokenSource(t, time) : new CancellationTokenSource();
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(jobCancel, timeout.Token);
        try
        {
            return step.Uses is not null
                ? await runners.Actions.RunAsync(step, scope, frame, linked.Token)
                : (await runners.Script.RunAsync(step, scope, frame, linked.Token), null);
        }
        catch (OperationCanceledException) when (timeout.IsCancellationRequested && !jobCancel.IsCancellationRequested)
        {
            return (Result.Failure, $"The step exceeded its timeout of {step.TimeoutMinutes} minutes and was stopped.");
        }
        catch (OperationCanceledException) when (jobCancel.IsCancellationRequested)
        {
            // The job's closing row says why it was cancelled; a step stopped by it (whether its process
            // had started or not) is only marked cancelled, so that the reason is not said twice.
            return (Result.Cancelled, null);
        }
        catch (ExpressionException e)
        {
            return (Result.Failure, AtLine(step, e));
        }
    }

    /// <summary>An expression error with the line of the step it is in, so that it can be found in the workflow.</summary>
    private static string AtLine(StepDefinition step, ExpressionException e) => $"line {step.Line}: {e.Message}";

    private bool ContinueOnError(StepDefinition step)
    {
        if (string.IsNullOrWhiteSpace(step.ContinueOnError))
        {
            return false;
        }

        try
        {
            // Written as a literal it is the YAML boolean (the text "false" would be a truthy string).
            return Template.HasExpression(step.ContinueOnError)
                ? ExpressionCoercion.IsTruthy(Template.EvaluateValue(step.ContinueOnError, run.Context(StepEnv(), frame: frame)))
                : step.ContinueOnError.Trim() == "true";
        }
        catch (ExpressionException e)
        {
            log.Row(LogStep(step), $"⚙️ [runner]: continue-on-error: {AtLine(step, e)}");
            return false;
        }
    }

    private void Record(StepDefinition step, Result outcome, Result conclusion, StepScope scope, string? problem)
    {
        if (problem is not null)
        {
            log.Row(LogStep(step), $"⚙️ [runner]: {problem}");
        }

        if (frame.IsJob)
        {
            log.StepFinished(step.Index, outcome, conclusion);
        }

        SetStepsContext(step, ContextValues.ResultName(outcome), ContextValues.ResultName(conclusion), scope);
        if (conclusion == Result.Failure && !frame.IsJob)
        {
            frame.Failed = true;
        }
        else if (conclusion == Result.Failure && run.State.Status == JobStatus.Success)
        {
            run.State.Status = JobStatus.Failure;
        }
    }

    private int LogStep(StepDefinition step) => frame.IsJob ? step.Index : frame.LogStep;

    private void SetStepsContext(StepDefinition step, string outcome, string conclusion, StepScope scope)
    {
        frame.Steps[step.EffectiveId] = ExpressionValue.From(new ExpressionObject
        {
            ["outputs"] = ExpressionValue.FromStrings(scope.Outputs),
            ["outcome"] = ExpressionValue.From(outcome),
            ["conclusion"] = ExpressionValue.From(conclusion),
        });
    }

    /// <summary>The env an expression of the step sees before the step's own env (job env, GITHUB_ENV, a composite caller's env).</summary>
    private List<KeyValuePair<string, string>> StepEnv() => [.. run.JobLevelEnv(), .. frame.Env];
}
