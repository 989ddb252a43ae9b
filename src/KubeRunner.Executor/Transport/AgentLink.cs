using Grpc.Core;
using KubeRunner.Protocol.Executor.V1;

namespace KubeRunner.Executor.Transport;

/// <summary>How the link to the agent ended.</summary>
internal enum LinkEnd
{
    /// <summary>Every event, the job's result included, was acknowledged.</summary>
    Delivered,

    /// <summary>The agent refused the token.</summary>
    Refused,

    /// <summary>The agent could not be reached for longer than the reconnect window.</summary>
    AgentLost,
}

/// <summary>
/// Keeps the executor attached to the agent: sends Hello, then every unacknowledged event in order,
/// applies acknowledgements and cancels; reconnects with backoff when the stream breaks, resending
/// from the oldest unacknowledged event, until the reconnect window since the last contact runs out.
/// </summary>
internal sealed class AgentLink(
    ExecutorService.ExecutorServiceClient client,
    Metadata headers,
    EventJournal journal,
    Func<uint, Hello> hello,
    Action<string> cancel,
    Action<string> diagnostics,
    TimeSpan reconnectWindow,
    TimeProvider time)
{
    private static readonly TimeSpan FlushInterval = TimeSpan.FromMilliseconds(100);
    private DateTimeOffset _lastContact = time.GetUtcNow();
    private uint _attempt;

    /// <summary>Runs until <paramref name="jobDone"/> completed and everything was acknowledged, or the link gives up.</summary>
    public async Task<LinkEnd> RunAsync(Task jobDone)
    {
        var failures = 0;
        while (true)
        {
            try
            {
                if (await RunAttachmentAsync(jobDone))
                {
                    return LinkEnd.Delivered;
                }

                failures = 0;
            }
            catch (RpcException e) when (e.StatusCode is StatusCode.PermissionDenied or StatusCode.Unauthenticated)
            {
                diagnostics($"the agent refused this executor: {e.Status.Detail}");
                return LinkEnd.Refused;
            }
            catch (Exception e) when (e is RpcException or IOException or HttpRequestException or InvalidOperationException or ObjectDisposedException)
            {
                failures++;
                if (time.GetUtcNow() - _lastContact > reconnectWindow)
                {
                    diagnostics($"the agent was unreachable for more than {reconnectWindow}; giving up: {e.Message}");
                    return LinkEnd.AgentLost;
                }

                if (failures == 1)
                {
                    diagnostics($"lost the agent ({e.Message}); the job goes on, retrying");
                }
            }

            await Task.Delay(Backoff(failures), time);
        }
    }

    private static TimeSpan Backoff(int failures) =>
        TimeSpan.FromMilliseconds(Math.Min(10_000, 200 * Math.Pow(2, Math.Min(failures, 10))));

    /// <returns>True when everything was delivered; false when the agent ended the stream.</returns>
    private async Task<bool> RunAttachmentAsync(Task jobDone)
    {
        using var stop = new CancellationTokenSource();
        using var call = client.Attach(headers, cancellationToken: stop.Token);
        await call.RequestStream.WriteAsync(new ExecutorMessage { Hello = hello(++_attempt) });
        var reader = ReadAsync(call.ResponseStream, stop.Token);
        var cursor = journal.FirstUnacknowledged;
        try
        {
            while (true)
            {
                var changed = journal.WaitForChangeAsync();
                foreach (var e in journal.From(cursor, 256))
                {
                    await call.RequestStream.WriteAsync(new ExecutorMessage { Event = e });
                    cursor = e.Seq + 1;
                }

                if (jobDone.IsCompleted && journal.AllAcknowledged)
                {
                    await call.RequestStream.CompleteAsync();
                    return true;
                }

                if (reader.IsCompleted)
                {
                    await reader;
                    return false;
                }

                cursor = Math.Max(cursor, journal.FirstUnacknowledged);
                await Task.WhenAny(changed, reader, Task.Delay(FlushInterval, time));
                journal.FlushRows();
            }
        }
        finally
        {
            await stop.CancelAsync();
            try
            {
                await reader;
            }
            catch (Exception e) when (e is RpcException or OperationCanceledException or IOException)
            {
                // Reported by the write side or the next attempt.
            }
        }
    }

    private async Task ReadAsync(IAsyncStreamReader<AgentMessage> responses, CancellationToken cancellationToken)
    {
        while (await responses.MoveNext(cancellationToken))
        {
            _lastContact = time.GetUtcNow();
            var message = responses.Current;
            switch (message.KindCase)
            {
                case AgentMessage.KindOneofCase.Ack:
                    journal.Acknowledge(message.Ack.NextSeq);
                    break;
                case AgentMessage.KindOneofCase.Cancel:
                    cancel(message.Cancel.Reason);
                    break;
            }
        }
    }
}
