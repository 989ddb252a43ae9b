using KubeRunner.Protocol.Runner.V1;

namespace KubeRunner.Testing.FakeForge;

/// <summary>UpdateLog, exactly as §3.7 describes it.</summary>
internal sealed class LogHandler(FakeForgeState state, Func<RunnerServiceHandler> service)
{
    public UpdateLogResponse UpdateLog(RunnerRecord caller, UpdateLogRequest request)
    {
        lock (state.Gate)
        {
            var runner = service().RequireRegistered(caller);
            var task = service().OwnedTask(runner, request.TaskId, "");
            long ack = task.LogRows.Count;
            var count = request.Rows.Count;

            // §3.7 step 2: empty rows, a gap or a pure duplicate are answered with the stored count;
            // nothing is stored and no_more is ignored (so an empty final batch does not archive).
            // This check comes before the archive check, so a duplicate after archival is no error.
            if (count == 0 || request.Index > ack || request.Index + count <= ack)
            {
                return new UpdateLogResponse { AckIndex = ack };
            }

            if (task.LogArchived)
            {
                // §3.7 step 3.
                throw new ConnectErrorException(ConnectCode.AlreadyExists, "log file has been archived");
            }

            // §3.7 step 4: drop the prefix the server already has.
            var now = state.Now;
            var fresh = request.Rows.Skip((int)(ack - request.Index)).ToList();
            foreach (var row in fresh)
            {
                task.LogRows.Add(new FakeLogRow(row.Time?.ToDateTimeOffset(), row.Content));
            }

            task.Record(now, FakeTaskEventKind.LogAppended, $"log appended {fresh.Count} rows");
            if (request.NoMore)
            {
                // §3.7 step 6.
                task.LogArchived = true;
                task.Record(now, FakeTaskEventKind.LogArchived, "log archived");
            }

            state.NotifyChanged();
            return new UpdateLogResponse { AckIndex = task.LogRows.Count };
        }
    }
}
