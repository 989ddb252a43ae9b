using KubeRunner.Workflow.Commands;

namespace KubeRunner.Executor.Engine;

/// <summary>
/// Reads the workflow commands in a step's output (runner-behaviour.md §6.9) and decides what each
/// line shows: <c>add-mask</c>, <c>set-output</c>, <c>set-env</c>, <c>add-path</c>, <c>save-state</c> and
/// <c>stop-commands</c> act and vanish; <c>debug</c> shows only with <c>ACTIONS_STEP_DEBUG</c>;
/// <c>group</c>/<c>endgroup</c> become Forgejo's fold markers; between <c>stop-commands</c> and its
/// token nothing is a command.
/// </summary>
internal sealed class StepOutput(StepScope scope, JobLog log, int step, bool showDebug)
{
    private string? _resumeToken;

    public void Line(string line)
    {
        var shown = Interpret(line);
        if (shown is not null)
        {
            log.Row(step, shown);
        }
    }

    private string? Interpret(string line)
    {
        if (!line.StartsWith("::", StringComparison.Ordinal) || WorkflowCommand.TryParse(line) is not { } command)
        {
            return line;
        }

        if (_resumeToken is not null)
        {
            if (command.Name == _resumeToken)
            {
                _resumeToken = null;
                return null;
            }

            return line;
        }

        switch (command.Name)
        {
            case "add-mask":
                log.AddMask(command.Value);
                return null;
            case "set-output":
                scope.SetOutput(Property(command, "name"), command.Value);
                return null;
            case "set-env":
                scope.SetEnv(Property(command, "name"), command.Value);
                return null;
            case "add-path":
                scope.AddPath(command.Value);
                return null;
            case "save-state":
                scope.SaveState(Property(command, "name"), command.Value);
                return null;
            case "debug":
                return showDebug ? "##[debug]" + command.Value : null;
            case "group":
                return "##[group]" + command.Value;
            case "endgroup":
                return "##[endgroup]";
            case "stop-commands":
                _resumeToken = command.Value.Length > 0 ? command.Value : null;
                return null;
            default:
                return line;
        }
    }

    private static string Property(WorkflowCommand command, string name) =>
        command.Properties.TryGetValue(name, out var value) ? value : "";
}
