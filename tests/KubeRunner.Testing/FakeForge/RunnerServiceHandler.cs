using System.Text;
using Google.Protobuf;
using Google.Protobuf.WellKnownTypes;
using KubeRunner.Protocol.Ping.V1;
using KubeRunner.Protocol.Runner.V1;

namespace KubeRunner.Testing.FakeForge;

/// <summary>Ping, Register, Declare and UpdateTask (§2.3, §3.2, §3.3, §3.6); dispatches the rest.</summary>
internal sealed class RunnerServiceHandler(FakeForgeState state, FetchTaskHandler fetchTask, LogHandler log)
{
    private const int MaxOutputKeyBytes = 255;
    private const int MaxOutputValueBytes = 1024 * 1024;
    private const int MaxRunnerNameBytes = 255;

    public async Task<IMessage> HandleAsync(IMessage request, ForgeCall call)
    {
        switch (request)
        {
            case PingRequest ping:
                // §2.3: no authentication.
                await call.ProcessingPointAsync();
                return new PingResponse { Data = "Hello, " + ping.Data + "!" };
            case RegisterRequest register:
                // §3.1 step 1: Register bypasses the interceptor.
                await call.ProcessingPointAsync();
                return Register(register);
            case FetchTaskRequest fetch:
                return await fetchTask.FetchAsync(fetch, call);
            default:
                var runner = Authenticate(call);
                await call.ProcessingPointAsync();
                return request switch
                {
                    DeclareRequest declare => Declare(runner, declare),
                    UpdateTaskRequest update => UpdateTask(runner, update),
                    UpdateLogRequest updateLog => log.UpdateLog(runner, updateLog),
                    _ => throw new InvalidOperationException($"No handler for {request.Descriptor.FullName}."),
                };
        }
    }

    private RunnerRecord Authenticate(ForgeCall call)
    {
        lock (state.Gate)
        {
            return state.Authenticate(call.RunnerUuid, call.RunnerToken, call.Method);
        }
    }

    private RegisterResponse Register(RegisterRequest request)
    {
        if (request.Token.Length == 0 || request.Name.Length == 0)
        {
            throw new ConnectErrorException(ConnectCode.InvalidArgument, "missing runner token, name");
        }

        lock (state.Gate)
        {
            if (!state.RegistrationTokens.TryGetValue(request.Token, out var active))
            {
                throw new ConnectErrorException(ConnectCode.InvalidArgument, "runner registration token not found");
            }

            if (!active)
            {
                throw new ConnectErrorException(
                    ConnectCode.InvalidArgument, "runner registration token has been invalidated, please use the latest one");
            }

            // §3.2: random UUIDv4, 40-hex token, labels from `labels` (the deprecated fields are ignored).
            var runner = new RunnerRecord
            {
                Id = state.NextRunnerId(),
                Uuid = Guid.NewGuid().ToString(),
                Token = FakeForgeState.NewToken(),
                Name = TruncateUtf8(request.Name, MaxRunnerNameBytes),
                Version = request.Version,
                Labels = [.. request.Labels],
                Ephemeral = request.Ephemeral,
            };
            state.RunnersByUuid.Add(runner.Uuid, runner);
            state.NotifyChanged();
            return new RegisterResponse { Runner = ToMessage(runner, withToken: true) };
        }
    }

    private DeclareResponse Declare(RunnerRecord caller, DeclareRequest request)
    {
        lock (state.Gate)
        {
            var runner = RequireRegistered(caller);
            runner.Labels = [.. request.Labels];
            runner.Version = request.Version;
            state.NotifyChanged();

            // §3.3: the token is not returned, Forgejo only has its hash.
            return new DeclareResponse { Runner = ToMessage(runner, withToken: false) };
        }
    }

    private UpdateTaskResponse UpdateTask(RunnerRecord caller, UpdateTaskRequest request)
    {
        var requested = request.State ?? new TaskState();
        lock (state.Gate)
        {
            var runner = RequireRegistered(caller);
            var task = OwnedTask(runner, requested.Id, "update task: ");
            var now = state.Now;
            if (task.IsDone)
            {
                // §3.6 step 2: a done task is not changed; its result answers (how cancellation reaches the runner).
                task.Record(now, FakeTaskEventKind.UpdateIgnoredTaskDone, "update ignored: task already done");
            }
            else
            {
                ApplyState(task, requested, now);
            }

            StoreOutputs(task, request.Outputs, now);
            if (requested.Result != Result.Unspecified)
            {
                state.DeleteIfEphemeral(runner.Id, task);
            }

            state.NotifyChanged();
            var response = new UpdateTaskResponse { State = new TaskState { Id = requested.Id, Result = task.Result } };
            response.SentOutputs.Add(task.Outputs.Select(o => o.Key));
            return response;
        }
    }

    private static void ApplyState(TaskRecord task, TaskState requested, DateTimeOffset now)
    {
        task.Updated = now;
        if (requested.Result != Result.Unspecified)
        {
            // §3.6 step 3: task and job finish; a missing stop time is stored as epoch 0 (here: null).
            task.Result = requested.Result;
            task.Job.Result = requested.Result;
            task.StoppedAt = ToTime(requested.StoppedAt);
            task.Record(now, FakeTaskEventKind.FinalState, "final state " + ResultName(requested.Result));
        }
        else
        {
            task.Record(now, FakeTaskEventKind.StateUpdated, "state updated");
        }

        // §3.6 step 5: copy by step id; unmentioned steps keep their values, unknown ids are ignored.
        var byId = new Dictionary<long, StepState>();
        foreach (var step in requested.Steps)
        {
            byId[step.Id] = step;
        }

        foreach (var step in task.Steps)
        {
            if (!byId.TryGetValue(step.Index, out var sent))
            {
                continue;
            }

            step.LogIndex = sent.LogIndex;
            step.LogLength = sent.LogLength;
            step.StartedAt = ToTime(sent.StartedAt);
            step.StoppedAt = ToTime(sent.StoppedAt);
            if (sent.Result != Result.Unspecified)
            {
                step.Result = sent.Result;
                step.IsRunning = false;
            }
            else if (step.StartedAt is not null)
            {
                step.IsRunning = true;
            }
        }
    }

    private static void StoreOutputs(TaskRecord task, IDictionary<string, string> outputs, DateTimeOffset now)
    {
        // §3.6 step 6: done in the handler after the state, so even a done task still stores new outputs.
        foreach (var (key, value) in outputs)
        {
            if (Encoding.UTF8.GetByteCount(key) > MaxOutputKeyBytes || Encoding.UTF8.GetByteCount(value) > MaxOutputValueBytes)
            {
                task.Record(now, FakeTaskEventKind.OutputRejected, $"output {Shorten(key)} rejected: too long");
                continue;
            }

            if (task.Outputs.Any(o => o.Key == key))
            {
                continue;
            }

            task.Outputs.Add(new(key, value));
            task.Record(now, FakeTaskEventKind.OutputStored, $"output {key} stored");
        }
    }

    /// <summary>§3.6 step 1, §3.7 step 1: a missing or foreign task is an internal error.</summary>
    public TaskRecord OwnedTask(RunnerRecord runner, long taskId, string prefix)
    {
        if (!state.Tasks.TryGetValue(taskId, out var task))
        {
            throw new ConnectErrorException(ConnectCode.Internal, $"{prefix}task with id {taskId}: resource does not exist");
        }

        if (task.RunnerId != runner.Id)
        {
            throw new ConnectErrorException(ConnectCode.Internal, prefix + "invalid runner for task");
        }

        return task;
    }

    /// <summary>The runner may have been deleted (ephemeral) while this call waited at its processing point.</summary>
    public RunnerRecord RequireRegistered(RunnerRecord runner) =>
        state.RunnersByUuid.TryGetValue(runner.Uuid, out var current) && current.Id == runner.Id
            ? current
            : throw new ConnectErrorException(ConnectCode.Unauthenticated, "unregistered runner");

    public static Runner ToMessage(RunnerRecord runner, bool withToken)
    {
        var message = new Runner
        {
            Id = runner.Id,
            Uuid = runner.Uuid,
            Token = withToken ? runner.Token : "",
            Name = runner.Name,
            Version = runner.Version,
            Ephemeral = runner.Ephemeral,
        };
        message.Labels.Add(runner.Labels);
        return message;
    }

    public static string ResultName(Result result) => result.ToString().ToLowerInvariant();

    private static DateTimeOffset? ToTime(Timestamp? timestamp) =>
        timestamp is null || (timestamp.Seconds == 0 && timestamp.Nanos == 0) ? null : timestamp.ToDateTimeOffset();

    private static string Shorten(string key) => key.Length > 40 ? key[..40] + "…" : key;

    private static string TruncateUtf8(string text, int maxBytes)
    {
        if (Encoding.UTF8.GetByteCount(text) <= maxBytes)
        {
            return text;
        }

        var end = text.Length;
        while (Encoding.UTF8.GetByteCount(text.AsSpan(0, end)) > maxBytes || (end > 0 && char.IsHighSurrogate(text[end - 1])))
        {
            end--;
        }

        return text[..end];
    }
}
