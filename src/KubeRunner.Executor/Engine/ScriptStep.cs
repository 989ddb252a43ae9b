using KubeRunner.Executor.Processes;
using KubeRunner.Workflow.Expressions;
using KubeRunner.Workflow.Model;
using KubeRunner.Workflow.Shells;
using Result = KubeRunner.Protocol.Runner.V1.Result;

namespace KubeRunner.Executor.Engine;

/// <summary>
/// Runs a <c>run:</c> step: the interpolated script is written to the act directory and run by its
/// shell (<see cref="StepProcess"/>).
/// </summary>
internal sealed class ScriptStep(JobRun run, JobLog log, StepProcess process)
{
    /// <returns>The step's outcome.</returns>
    public async Task<Result> RunAsync(StepDefinition step, StepScope scope, StepFrame frame, CancellationToken cancellationToken)
    {
        var logStep = frame.IsJob ? step.Index : frame.LogStep;
        var files = StepFiles.Create(run.WorkflowDir);
        var env = StepEnvironment.Base(run, step.EffectiveId, files, frame);
        StepEnvironment.AddStepEnv(env, step.Env, run, frame);
        var context = run.Context(env, frame: frame);
        var script = Template.Interpolate(step.Run ?? "", context);
        var shellName = Interpolate(step.Shell ?? run.Job.Defaults.Shell ?? run.Workflow.Defaults.Shell, context);
        var shell = ShellCommand.Resolve(shellName, name => ExecutablePath.Find(name, env["PATH"]) is not null);
        var directory = WorkingDirectory(step, frame, context);
        if (!Directory.Exists(directory))
        {
            log.Row(logStep, $"⚙️ [runner]: the working directory '{directory}' does not exist");
            return Result.Failure;
        }

        // Nested steps of composite actions share the outer step's id space: keep their scripts apart.
        var scriptPath = Path.Combine(run.WorkflowDir, frame.StateKey(step.EffectiveId).Replace('/', '-') + shell.ScriptExtension);
        await File.WriteAllTextAsync(scriptPath, shell.WrapScript(script), cancellationToken);
        File.SetUnixFileMode(scriptPath, (UnixFileMode)0b111_101_101);
        var arguments = shell.Arguments(scriptPath);
        return await process.RunAsync(new ProcessSpec(arguments[0], [.. arguments.Skip(1)], env, directory), scope, files, logStep, step.DisplayName, cancellationToken);
    }

    private static string? Interpolate(string? text, ExpressionContext context) =>
        text is null ? null : Template.Interpolate(text, context);

    /// <summary>A composite's steps default to the workspace too; the job's defaults.run apply only to the job's own steps.</summary>
    private string WorkingDirectory(StepDefinition step, StepFrame frame, ExpressionContext context)
    {
        var fallback = frame.IsJob ? run.Job.Defaults.WorkingDirectory ?? run.Workflow.Defaults.WorkingDirectory : null;
        var directory = Interpolate(step.WorkingDirectory ?? fallback, context);
        return string.IsNullOrEmpty(directory) ? run.Workspace : Path.GetFullPath(directory, run.Workspace);
    }
}
