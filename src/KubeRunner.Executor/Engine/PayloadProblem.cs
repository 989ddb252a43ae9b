using KubeRunner.Workflow.Model;

namespace KubeRunner.Executor.Engine;

/// <summary>
/// Shows why a payload cannot run, as forgejo-runner does: the errors, then the payload with line
/// numbers so that each error can be found.
/// </summary>
internal static class PayloadProblem
{
    public static void Report(JobLog log, string payload, IReadOnlyList<WorkflowError> errors)
    {
        log.Row(JobLog.OutsideSteps, "⚙️ [runner]: The workflow of this job is not valid:");
        foreach (var error in errors)
        {
            log.Row(JobLog.OutsideSteps, $"⚙️ [runner]: {error}");
        }

        var lines = payload.ReplaceLineEndings("\n").TrimEnd('\n').Split('\n');
        var width = lines.Length.ToString(System.Globalization.CultureInfo.InvariantCulture).Length;
        for (var i = 0; i < lines.Length; i++)
        {
            log.Row(JobLog.OutsideSteps, $"{(i + 1).ToString(System.Globalization.CultureInfo.InvariantCulture).PadLeft(width)}: {lines[i]}");
        }
    }
}
