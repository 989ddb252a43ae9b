using KubeRunner.Executor.Processes;
using KubeRunner.Workflow.Files;
using Result = KubeRunner.Protocol.Runner.V1.Result;

namespace KubeRunner.Executor.Engine;

/// <summary>What one step process is: the program, its arguments, environment and directory.</summary>
internal sealed record ProcessSpec(string FileName, IReadOnlyList<string> Arguments, IReadOnlyDictionary<string, string> Env, string WorkingDirectory);

/// <summary>
/// Runs one process of a step (a <c>run:</c> script, or node for an action's main, pre or post) in
/// its own process group: output lines go through the workflow commands to the log, and the step's
/// environment files are read back afterwards, even when the process failed.
/// </summary>
internal sealed class StepProcess(JobLog log, TimeSpan killGrace, bool showDebug)
{
    /// <param name="logStep">The step whose log gets the rows (<see cref="JobLog.OutsideSteps"/> for pre and post).</param>
    /// <param name="title">Names the step in the summary heading.</param>
    /// <returns>The process's outcome.</returns>
    public async Task<Result> RunAsync(ProcessSpec spec, StepScope scope, StepFiles files, int logStep, string title, CancellationToken cancellationToken)
    {
        var output = new StepOutput(scope, log, logStep, showDebug);
        int exitCode;
        try
        {
            await using var process = ChildProcess.Start(new ChildProcessStartInfo(spec.FileName, spec.Arguments, spec.Env, spec.WorkingDirectory));
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
            log.Row(logStep, $"⚙️ [runner]: {e.Message}");
            return Result.Failure;
        }
        finally
        {
            ReadFiles(scope, files, logStep, title);
        }

        if (exitCode != 0)
        {
            log.Row(logStep, $"⚙️ [runner]: Process completed with exit code {exitCode}.");
            return Result.Failure;
        }

        return Result.Success;
    }

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

    /// <summary>Reads back the step files (env, state, outputs, path, summary) after a step; a Docker action's too.</summary>
    public void ReadFiles(StepScope scope, StepFiles files, int logStep, string title)
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
                log.Row(logStep, $"Summary - {title}");
                foreach (var line in summary.TrimEnd('\n').Split('\n'))
                {
                    log.Row(logStep, line.TrimEnd('\r'));
                }
            }
        }
        catch (EnvFileException e)
        {
            scope.FileError = e.Message;
            log.Row(logStep, $"⚙️ [runner]: {e.Message}");
        }
    }
}
