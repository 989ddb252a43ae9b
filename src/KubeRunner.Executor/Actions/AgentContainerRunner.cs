using System.Runtime.CompilerServices;
using Grpc.Core;
using KubeRunner.Protocol.Executor.V1;

namespace KubeRunner.Executor.Actions;

/// <summary>Runs a Docker action's container (the agent does; the executor has no Docker access).</summary>
internal interface IContainerRunner
{
    /// <summary>Status lines, output chunks, and last the exit code (-1: the container could not run).</summary>
    /// <exception cref="ActionProblem">The agent refused (e.g. not the Docker backend) or could not be reached.</exception>
    IAsyncEnumerable<RunContainerResponse> RunAsync(RunContainerRequest request, CancellationToken cancellationToken);
}

/// <summary>Asks the agent (RunContainer); cancelling the call makes the agent kill and remove the container.</summary>
internal sealed class AgentContainerRunner(ExecutorService.ExecutorServiceClient client, Metadata headers) : IContainerRunner
{
    public async IAsyncEnumerable<RunContainerResponse> RunAsync(RunContainerRequest request, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        using var call = client.RunContainer(request, headers, cancellationToken: cancellationToken);
        while (true)
        {
            RunContainerResponse response;
            try
            {
                if (!await call.ResponseStream.MoveNext(cancellationToken))
                {
                    yield break;
                }

                response = call.ResponseStream.Current;
            }
            catch (RpcException) when (cancellationToken.IsCancellationRequested)
            {
                throw new OperationCanceledException(cancellationToken);
            }
            catch (RpcException e)
            {
                throw new ActionProblem(e.Status.Detail.Length > 0 ? e.Status.Detail : $"the runner could not run the action's container: {e.StatusCode}", e);
            }

            yield return response;
        }
    }
}
