using System.Globalization;
using System.Text;
using KubeRunner.Executor.Actions;
using KubeRunner.Protocol.Executor.V1;
using KubeRunner.Workflow.Expressions;
using KubeRunner.Workflow.Model;
using ForgeTask = KubeRunner.Protocol.Runner.V1.Task;
using Result = KubeRunner.Protocol.Runner.V1.Result;

namespace KubeRunner.Executor.Engine;

/// <summary>
/// Runs one job: reads the payload, evaluates the job's condition, runs the steps in order with
/// their conditions, timeouts and continue-on-error, and reports outputs and the result. A cancel
/// (from the forge, or a job timeout) stops the running step's process group; later steps still
/// run when their condition asks for it (<c>always()</c>, <c>cancelled()</c>), unlike forgejo-runner.
/// </summary>
internal sealed class JobEngine(JobLog log, TimeSpan killGrace, TimeProvider time, IActionFetcher actions, IContainerRunner? containers = null)
{
    /// <summary>forgejo-runner's words when its own limit (<c>runner.timeout</c>) ends a job.</summary>
    public const string RunnerTimeoutMessage = "The runner cancelled the job because it exceeds the maximum run time";

    public async Task<Result> RunAsync(ForgeTask task, JobSettings settings, IReadOnlyDictionary<string, string> baseEnv, CancellationToken cancel)
    {
        foreach (var secret in Secrets(task))
        {
            log.AddMask(secret);
        }

        var payload = Encoding.UTF8.GetString(task.WorkflowPayload.Span);
        var parsed = WorkflowParser.ParseSingleJob(payload);
        if (!parsed.Ok)
        {
            PayloadProblem.Report(log, payload, parsed.Errors);
            return Finish(Result.Failure, "The workflow is not valid; see the errors above.");
        }

        var job = parsed.Workflow!.Jobs[0];
        var run = new JobRun(task, settings, parsed.Workflow, job, baseEnv);
        try
        {
            return await RunJobAsync(run, cancel);
        }
        catch (ExpressionException e)
        {
            log.Row(JobLog.OutsideSteps, $"⚙️ [runner]: line {job.Line}: {e.Message}");
            return Finish(Result.Failure, null);
        }
    }

    private static IEnumerable<string> Secrets(ForgeTask task)
    {
        foreach (var value in task.Secrets.Values)
        {
            yield return value;
        }

        foreach (var key in (string[])["token", "forgejo_runtime_token", "gitea_runtime_token"])
        {
            if (task.Context?.Fields.TryGetValue(key, out var value) == true)
            {
                yield return value.StringValue;
            }
        }
    }

    private async Task<Result> RunJobAsync(JobRun run, CancellationToken cancel)
    {
        var job = run.Job;
        if (job.Uses is not null)
        {
            return Finish(Result.Failure, $"The job calls the reusable workflow '{job.Uses}', which the forge should have expanded; kube-runner does not run reusable workflows itself.");
        }

        if (job.Strategy?.Matrix is { } matrix && MatrixExpander.Expand(matrix) is [var combination, ..])
        {
            run.SetMatrix(combination);
        }

        run.JobEnv.AddRange(Interpolated(run.Workflow.Env, run, []));
        run.JobEnv.AddRange(Interpolated(job.Env, run, run.JobEnv));
        if (!Workflow.Expressions.Condition.Evaluate(job.If, run.Context(run.JobEnv, jobLevel: true)))
        {
            foreach (var step in job.Steps)
            {
                log.StepFinished(step.Index, Result.Skipped, Result.Skipped);
            }

            return Finish(Result.Skipped, $"The job was skipped: its condition '{job.If}' is false.");
        }

        PrepareDirectories(run);
        var (limit, fromWorkflow) = JobTimeout(run);
        using var timeout = new CancellationTokenSource(limit, time);
        using var jobCancel = CancellationTokenSource.CreateLinkedTokenSource(cancel, timeout.Token);
        run.State.CancelWith(
            () => !timeout.IsCancellationRequested ? "The job was cancelled."
                : fromWorkflow ? "The job exceeded its time limit (timeout-minutes) and was cancelled."
                : RunnerTimeoutMessage,
            jobCancel.Token);
        // The reason is fixed when the cancel happens, so that a limit firing later does not change it.
        using var registration = jobCancel.Token.Register(() => _ = run.State.CancelReason);

        var runners = new StepRunners(run, log, killGrace, time, actions, containers);
        var frame = StepFrame.ForJob(run.State);
        try
        {
            if (await ActionSetup.PrepareAsync(runners, log, job.Steps, jobCancel.Token) is { } problem)
            {
                log.Row(JobLog.OutsideSteps, $"⚙️ [runner]: {problem}");
                return Finish(Result.Failure, null);
            }

            await runners.Hooks.RunPreAsync(job.Steps, frame, jobCancel.Token);
        }
        catch (OperationCanceledException) when (jobCancel.IsCancellationRequested)
        {
            // Cancelled while setting up: the steps see cancelled() and only always() ones run.
        }

        var steps = new StepSequence(run, log, runners, frame, time);
        foreach (var step in job.Steps)
        {
            await steps.RunAsync(step, jobCancel.Token);
        }

        await runners.Hooks.RunPostAsync();

        SendOutputs(run);
        return run.State.Status switch
        {
            JobStatus.Cancelled => Finish(Result.Cancelled, run.State.CancelReason),
            JobStatus.Failure => Finish(Result.Failure, null),
            _ => Finish(Result.Success, null),
        };
    }

    private static List<KeyValuePair<string, string>> Interpolated(IEnumerable<KeyValuePair<string, string>> env, JobRun run, IEnumerable<KeyValuePair<string, string>> below)
    {
        var context = run.Context(below);
        return [.. env.Select(e => new KeyValuePair<string, string>(e.Key, Template.Interpolate(e.Value, context)))];
    }

    private static void PrepareDirectories(JobRun run)
    {
        Directory.CreateDirectory(run.Workspace);
        Directory.CreateDirectory(run.WorkflowDir);
        Directory.CreateDirectory(run.Settings.TempDir);
        var github = ExpressionValue.From(run.Github);
        var payload = github.AsObject.TryGetValue("event", out var e) ? e : ExpressionValue.From(new ExpressionObject());
        File.WriteAllText(run.EventPath, payload.ToJson());
    }

    /// <summary>The job's timeout-minutes, within the runner's own limit (<c>runner.timeout</c>); which of them applies.</summary>
    private static (TimeSpan Limit, bool FromWorkflow) JobTimeout(JobRun run)
    {
        var limit = run.Settings.JobTimeout?.ToTimeSpan() is { } t && t > TimeSpan.Zero ? t : TimeSpan.FromHours(3);
        if (Minutes(run.Job.TimeoutMinutes, run.Context(run.JobEnv, jobLevel: true)) is { } minutes && minutes < limit)
        {
            return (minutes, true);
        }

        return (limit, false);
    }

    /// <summary>Reads a timeout-minutes value; an expression is evaluated first.</summary>
    public static TimeSpan? Minutes(string? text, ExpressionContext context)
    {
        if (string.IsNullOrWhiteSpace(text))
        {
            return null;
        }

        var value = Template.EvaluateValue(text, context);
        var minutes = value.Kind == ExpressionKind.Number ? value.AsNumber
            : double.TryParse(ExpressionCoercion.ToText(value), NumberStyles.Float, CultureInfo.InvariantCulture, out var parsed) ? parsed
            : double.NaN;
        if (double.IsNaN(minutes) || minutes <= 0)
        {
            throw new ExpressionException($"timeout-minutes must be a positive number of minutes, got '{ExpressionCoercion.ToText(value)}'");
        }

        return TimeSpan.FromMinutes(Math.Min(minutes, TimeSpan.MaxValue.TotalMinutes / 2));
    }

    private void SendOutputs(JobRun run)
    {
        if (run.Job.Outputs.Count == 0)
        {
            return;
        }

        var context = run.Context(run.JobEnv);
        var outputs = new List<KeyValuePair<string, string>>();
        foreach (var (key, value) in run.Job.Outputs)
        {
            try
            {
                outputs.Add(new(key, Template.Interpolate(value, context)));
            }
            catch (ExpressionException e)
            {
                log.Row(JobLog.OutsideSteps, $"⚙️ [runner]: output '{key}': {e.Message}");
            }
        }

        log.JobOutputs(outputs);
    }

    private Result Finish(Result result, string? message)
    {
        log.JobFinished(result, message);
        return result;
    }
}
