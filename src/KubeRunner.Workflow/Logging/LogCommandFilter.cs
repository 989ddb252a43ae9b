using KubeRunner.Workflow.Commands;

namespace KubeRunner.Workflow.Logging;

/// <summary>
/// What Forgejo's log view shows of a workflow command (runner-behaviour.md §6.9): <c>add-mask</c> rows
/// vanish and their value is masked from then on; <c>debug</c> rows show only when the secret
/// <c>ACTIONS_STEP_DEBUG</c> is <c>true</c>; <c>group</c>/<c>endgroup</c> become the <c>##[group]</c> markers the
/// UI folds; between <c>stop-commands</c> and its token nothing is interpreted. Other rows pass unchanged,
/// unless <c>consume</c> takes the command (the executor acts on <c>set-output</c>, <c>set-env</c>…).
/// </summary>
public sealed class LogCommandFilter
{
    private readonly Action<string> _addMask;
    private readonly bool _showDebug;
    private readonly Func<WorkflowCommand, bool>? _consume;
    private readonly string _debugPrefix;
    private string? _resumeToken;

    public LogCommandFilter(SecretMasker masker, bool showDebug)
        : this(masker.Add, showDebug)
    {
    }

    /// <param name="consume">Acts on a command that is not about the log; true hides its row.</param>
    /// <param name="debugPrefix">Put before a shown <c>debug</c> value.</param>
    public LogCommandFilter(Action<string> addMask, bool showDebug, Func<WorkflowCommand, bool>? consume = null, string debugPrefix = "")
    {
        _addMask = addMask;
        _showDebug = showDebug;
        _consume = consume;
        _debugPrefix = debugPrefix;
    }

    /// <returns>The row to show, or null when the row is not shown.</returns>
    public string? Filter(string row)
    {
        if (!row.StartsWith("::", StringComparison.Ordinal) || WorkflowCommand.TryParse(row) is not { } command)
        {
            return row;
        }

        if (_resumeToken is not null)
        {
            if (command.Name == _resumeToken)
            {
                _resumeToken = null;
                return null;
            }

            return row;
        }

        switch (command.Name)
        {
            case "add-mask":
                _addMask(command.Value);
                return null;
            case "debug":
                return _showDebug ? _debugPrefix + command.Value : null;
            case "group":
                return "##[group]" + command.Value;
            case "endgroup":
                return "##[endgroup]";
            case "stop-commands":
                _resumeToken = command.Value.Length > 0 ? command.Value : null;
                return null;
            default:
                return _consume?.Invoke(command) == true ? null : row;
        }
    }
}
