using System.Globalization;
using Grpc.Core;
using KubeRunner.Agent.Diagnostics;
using KubeRunner.Protocol.Executor.V1;
using Microsoft.Extensions.Logging;

namespace KubeRunner.Agent.Executors;

/// <summary>
/// Serves executors (proto/executor/v1). Every call names its task in <c>x-task-id</c> and carries
/// that task's token; anything else is refused with PERMISSION_DENIED, the same answer whether the
/// task is unknown or the token wrong, so a job cannot probe for other tasks.
/// </summary>
internal sealed partial class ExecutorGrpcService(
    ExecutorRegistry registry, ActionStreamer actions, Backends.Docker.DockerActionService dockerActions, ILogger<ExecutorGrpcService> logger,
    AgentMetrics? metrics = null)
    : ExecutorService.ExecutorServiceBase
{
    private readonly AgentMetrics _metrics = metrics ?? AgentMetrics.Unobserved;

    public const string TaskIdHeader = "x-task-id";

    public override Task<GetJobResponse> GetJob(GetJobRequest request, ServerCallContext context)
    {
        var session = Authenticate(context);
        return Task.FromResult(new GetJobResponse { Task = session.Task, Settings = session.Settings });
    }

    public override async Task Attach(IAsyncStreamReader<ExecutorMessage> requestStream, IServerStreamWriter<AgentMessage> responseStream, ServerCallContext context)
    {
        var session = Authenticate(context);
        using var scope = logger.BeginScope(new TaskLogScope(session.TaskId));
        if (!await requestStream.MoveNext(context.CancellationToken) || requestStream.Current.KindCase != ExecutorMessage.KindOneofCase.Hello)
        {
            throw new RpcException(new Status(StatusCode.InvalidArgument, "the first message of Attach must be Hello"));
        }

        var hello = requestStream.Current.Hello;
        session.Relay.OnHello(hello);
        var (outbox, superseded) = session.Attach();
        _metrics.ExecutorAttached();
        Log.Attached(logger, session.TaskId, hello.Attempt, hello.FirstUnackedSeq, hello.NextSeq);
        using var call = CancellationTokenSource.CreateLinkedTokenSource(context.CancellationToken, superseded);
        var writer = WriteAsync(outbox, responseStream, call.Token);
        try
        {
            while (await requestStream.MoveNext(call.Token))
            {
                if (requestStream.Current.KindCase == ExecutorMessage.KindOneofCase.Event)
                {
                    session.Relay.Apply(requestStream.Current.Event);
                }
            }
        }
        catch (OperationCanceledException) when (call.IsCancellationRequested)
        {
            // The executor went away or attached again on a new stream.
        }
        finally
        {
            session.Detach(outbox);
            _metrics.ExecutorDetached();
            await call.CancelAsync();
            await writer;
            Log.Detached(logger, session.TaskId);
        }
    }

    public override async Task GetAction(GetActionRequest request, IServerStreamWriter<GetActionResponse> responseStream, ServerCallContext context)
    {
        var session = Authenticate(context);
        using var scope = logger.BeginScope(new TaskLogScope(session.TaskId));
        Log.ActionRequested(logger, session.TaskId, request.RepositoryUrl, request.Ref);
        await actions.StreamAsync(request, responseStream, context.CancellationToken);
    }

    public override async Task RunContainer(RunContainerRequest request, IServerStreamWriter<RunContainerResponse> responseStream, ServerCallContext context)
    {
        var session = Authenticate(context);
        using var scope = logger.BeginScope(new TaskLogScope(session.TaskId));
        await dockerActions.RunAsync(session, request, responseStream, context.CancellationToken);
    }

    private static async Task WriteAsync(System.Threading.Channels.ChannelReader<AgentMessage> outbox, IServerStreamWriter<AgentMessage> stream, CancellationToken cancellationToken)
    {
        try
        {
            await foreach (var message in outbox.ReadAllAsync(cancellationToken))
            {
                await stream.WriteAsync(message, cancellationToken);
            }
        }
        catch (Exception e) when (e is OperationCanceledException or InvalidOperationException or IOException)
        {
            // The stream is over; the executor reattaches and gets the acknowledgement again.
        }
    }

    private ExecutorSession Authenticate(ServerCallContext context)
    {
        var header = context.RequestHeaders.GetValue(TaskIdHeader);
        var authorization = context.RequestHeaders.GetValue("authorization");
        var token = authorization is not null && authorization.StartsWith("Bearer ", StringComparison.Ordinal) ? authorization[7..] : null;
        if (long.TryParse(header, NumberStyles.None, CultureInfo.InvariantCulture, out var taskId) && registry.Find(taskId, token) is { } session)
        {
            return session;
        }

        Log.Refused(logger, header ?? "(none)", context.Peer);
        throw new RpcException(new Status(StatusCode.PermissionDenied, "this token is not valid for this task"));
    }

    private static partial class Log
    {
        [LoggerMessage(Diagnostics.EventIds.ExecutorAttached, LogLevel.Information, "Task {TaskId}: executor attached (attempt {Attempt}, resending from event {FirstUnacked}, next {NextSeq})")]
        public static partial void Attached(ILogger logger, long taskId, uint attempt, ulong firstUnacked, ulong nextSeq);

        [LoggerMessage(Diagnostics.EventIds.ExecutorDetached, LogLevel.Information, "Task {TaskId}: executor detached")]
        public static partial void Detached(ILogger logger, long taskId);

        [LoggerMessage(Diagnostics.EventIds.ExecutorActionRequested, LogLevel.Information, "Task {TaskId}: executor asks for the action {Repository}@{Ref}")]
        public static partial void ActionRequested(ILogger logger, long taskId, string repository, string @ref);

        [LoggerMessage(Diagnostics.EventIds.ExecutorRefused, LogLevel.Warning, "Refused an executor call for task {TaskId} from {Peer}: wrong token or no such task")]
        public static partial void Refused(ILogger logger, string taskId, string peer);
    }
}
