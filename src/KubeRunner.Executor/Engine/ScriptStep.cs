using KubeRunner.Executor.Processes;
using KubeRunner.Workflow.Expressions;
using KubeRunner.Workflow.Files;
using KubeRunner.Workflow.Model;
using KubeRunner.Workflow.Shells;
using Result = KubeRunner.Protocol.Runner.V1.Result;

namespace KubeRunner.Executor.Engine;

/// <summary>
/// Runs a <c>run:</c> step: the interpolated script is written to the act directory and run by its
/// shell in its own process group; output lines go through the workflow commands to the log; the
/// step's environment files are read back afterwards, even when the step failed.
/// </summary>
internal sealed class ScriptStep(JobRun run, JobLog log, TimeSpan killGrace)
{
    /// <returns>The step's outcome.</returns>
    public async Task<Result> RunAsync(StepDefinition step, StepScope scope, CancellationToken cancellationToken)
    {
        var files = StepFiles.Create(run.WorkflowDir);
        var env = StepEnvironment.Base(run, step.EffectiveId, files);
        StepEnvironment.AddStepEnv(env, step.Env, run);
        var context = run.Context(env);
        var script = Template.Interpolate(step.Run ?? "", context);
        var shellName = Interpolate(step.Shell ?? run.Job.Defaults.Shell ?? run.Workflow.Defaults.Shell, context);
        var shell = ShellCommand.Resolve(shellName, name => ExecutablePath.Find(name, env["PATH"]) is not null);
        var directory = WorkingDirectory(step, context);
        if (!Directory.Exists(directory))
        {
            Fail(step, $"the working directory '{directory}' does not exist");
            return Result.Failure;
        }

        var scriptPath = Path.Combine(run.WorkflowDir, step.EffectiveId + shell.ScriptExtension);
        await File.WriteAllTextAsync(scriptPath, shell.WrapScript(script), cancellationToken);
        File.SetUnixFileMode(scriptPath, (UnixFileMode)0b111_101_101);
        var arguments = shell.Arguments(scriptPath);

        var output = new StepOutput(scope, log, step.Index, run.ShowDebug);
        int exitCode;
        try
        {
            await using var process = ChildProcess.Start(new ChildProcessStartInfo(arguments[0], [.. arguments.Skip(1)], env, directory));
            var reading = ReadAsync(process, output);
            try
            {
                exitCode = await process.Exited.WaitAsync(cancellationToken);
            }
            catch (OperationCanceledException)
            {
                // Cancel or timeout: the whole process group goes, TERM first, KILL after the grace.
                await process.StopAsync(killGrace, CancellationToken.None);
                await FinishReadingAsync(process, reading);
                throw;
            }

            await FinishReadingAsync(process, reading);
        }
        catch (ChildProcessException e)
        {
            Fail(step, e.Message);
            return Result.Failure;
        }
        finally
        {
            ReadFiles(step, scope, files);
        }

        if (exitCode != 0)
        {
            log.Row(step.Index, $"⚙️ [runner]: Process completed with exit code {exitCode}.");
            return Result.Failure;
        }

        return Result.Success;
    }

    private static string? Interpolate(string? text, ExpressionContext context) =>
        text is null ? null : Template.Interpolate(text, context);

    private static async Task ReadAsync(ChildProcess process, StepOutput output)
    {
        await foreach (var line in new OutputLineReader(process.Output).ReadLinesAsync())
        {
            output.Line(line);
        }
    }

    /// <summary>
    /// Reads what is left of the output. A background process the step started may hold the pipe
    /// open for ever: after a short wait the step's output ends without it (what it prints later is
    /// drained and dropped, so it never blocks on a full pipe).
    /// </summary>
    private static async Task FinishReadingAsync(ChildProcess process, Task reading)
    {
        if (await Task.WhenAny(reading, Task.Delay(TimeSpan.FromSeconds(1))) != reading)
        {
            process.EndOutput();
        }

        await reading;
    }

    private string WorkingDirectory(StepDefinition step, ExpressionContext context)
    {
        var directory = Interpolate(step.WorkingDirectory ?? run.Job.Defaults.WorkingDirectory ?? run.Workflow.Defaults.WorkingDirectory, context);
        return string.IsNullOrEmpty(directory) ? run.Workspace : Path.GetFullPath(directory, run.Workspace);
    }

    private void Fail(StepDefinition step, string message) => log.Row(step.Index, $"⚙️ [runner]: {message}");

    private void ReadFiles(StepDefinition step, StepScope scope, StepFiles files)
    {
        try
        {
            foreach (var (key, value) in EnvFile.Parse(File.ReadAllText(files.Env)))
            {
                scope.SetEnv(key, value);
            }

            foreach (var (key, value) in EnvFile.Parse(File.ReadAllText(files.State)))
            {
                scope.SaveState(key, value);
            }

            foreach (var (key, value) in EnvFile.Parse(File.ReadAllText(files.Output)))
            {
                scope.SetOutput(key, value);
            }

            foreach (var directory in PathFile.Parse(File.ReadAllText(files.Path)))
            {
                scope.AddPath(directory);
            }

            var summary = File.ReadAllText(files.Summary);
            if (summary.Length > 0)
            {
                log.Row(step.Index, $"Summary - {step.DisplayName}");
                foreach (var line in summary.TrimEnd('\n').Split('\n'))
                {
                    log.Row(step.Index, line.TrimEnd('\r'));
                }
            }
        }
        catch (EnvFileException e)
        {
            scope.FileError = e.Message;
            Fail(step, e.Message);
        }
    }
}
