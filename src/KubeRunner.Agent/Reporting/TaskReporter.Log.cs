using KubeRunner.Agent.Diagnostics;
using KubeRunner.Protocol.Runner.V1;
using Microsoft.Extensions.Logging;

namespace KubeRunner.Agent.Reporting;

internal sealed partial class TaskReporter
{
    private static partial class AgentLog
    {
        [LoggerMessage(EventIds.ReportFailed, LogLevel.Warning, "Task {TaskId}: reporting to the forge failed, retrying every cycle: {Reason}")]
        public static partial void ReportFailed(ILogger logger, long taskId, string reason);

        [LoggerMessage(EventIds.ReportRecovered, LogLevel.Information, "Task {TaskId}: reporting to the forge works again after {Failures} failed attempts")]
        public static partial void ReportRecovered(ILogger logger, long taskId, int failures);

        [LoggerMessage(EventIds.AckBackwards, LogLevel.Error, "Task {TaskId}: the forge now confirms {Ack} log rows after having confirmed {Previous}: rows {Ack}..{Previous} are lost on the forge and cannot be sent again")]
        public static partial void AckBackwards(ILogger logger, long taskId, long ack, long previous);

        [LoggerMessage(EventIds.AckBeyondSent, LogLevel.Error, "Task {TaskId}: the forge confirms {Ack} log rows but only {Sent} were sent; another process may be reporting this task")]
        public static partial void AckBeyondSent(ILogger logger, long taskId, long ack, long sent);

        [LoggerMessage(EventIds.ServerStoppedTask, LogLevel.Information, "Task {TaskId}: the forge reports the task as {Result}; stopping it")]
        public static partial void ServerStoppedTask(ILogger logger, long taskId, Result result);

        [LoggerMessage(EventIds.FinalReportFailed, LogLevel.Warning, "Task {TaskId}: final {Part} not delivered yet (attempt {Attempt} of {MaxAttempts}): {Reason}")]
        public static partial void FinalReportFailed(ILogger logger, long taskId, string part, int attempt, int maxAttempts, string reason);

        [LoggerMessage(EventIds.FinalReportGaveUp, LogLevel.Error, "Task {TaskId}: giving up delivering the final {Part}: {Reason}")]
        public static partial void FinalReportGaveUp(ILogger logger, long taskId, string part, string reason);

        [LoggerMessage(EventIds.FinalLogAlreadyClosed, LogLevel.Warning, "Task {TaskId}: the forge closed this task's log already ({Reason}); it was reported to the end before this agent restarted, and the rows written since are not on the forge")]
        public static partial void FinalLogAlreadyClosed(ILogger logger, long taskId, string reason);

        [LoggerMessage(EventIds.RowAfterClose, LogLevel.Debug, "Task {TaskId}: a row arrived after the task was closed and is dropped")]
        public static partial void RowAfterClose(ILogger logger, long taskId);

        [LoggerMessage(EventIds.StepEventIgnored, LogLevel.Debug, "Task {TaskId}: an event of step {Step} is ignored (steps: {StepCount}, closed: {Closed})")]
        public static partial void StepEventIgnored(ILogger logger, long taskId, int step, int stepCount, bool closed);

    }
}
