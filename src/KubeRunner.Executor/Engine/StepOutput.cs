using KubeRunner.Workflow.Commands;
using KubeRunner.Workflow.Logging;

namespace KubeRunner.Executor.Engine;

/// <summary>
/// A step's output on its way to the log: the shared <see cref="LogCommandFilter"/> decides what each
/// line shows (runner-behaviour.md §6.9); the commands that carry data, <c>set-output</c>,
/// <c>set-env</c>, <c>add-path</c> and <c>save-state</c>, act on the step and vanish, as on GitHub.
/// </summary>
internal sealed class StepOutput
{
    private readonly StepScope _scope;
    private readonly JobLog _log;
    private readonly int _step;
    private readonly LogCommandFilter _filter;

    public StepOutput(StepScope scope, JobLog log, int step, bool showDebug)
    {
        _scope = scope;
        _log = log;
        _step = step;
        _filter = new LogCommandFilter(log.AddMask, showDebug, Consume, debugPrefix: "##[debug]");
    }

    public void Line(string line)
    {
        if (_filter.Filter(line) is { } shown)
        {
            _log.Row(_step, shown);
        }
    }

    private bool Consume(WorkflowCommand command)
    {
        switch (command.Name)
        {
            case "set-output":
                _scope.SetOutput(Property(command, "name"), command.Value);
                return true;
            case "set-env":
                _scope.SetEnv(Property(command, "name"), command.Value);
                return true;
            case "add-path":
                _scope.AddPath(command.Value);
                return true;
            case "save-state":
                _scope.SaveState(Property(command, "name"), command.Value);
                return true;
            default:
                return false;
        }
    }

    private static string Property(WorkflowCommand command, string name) =>
        command.Properties.TryGetValue(name, out var value) ? value : "";
}
