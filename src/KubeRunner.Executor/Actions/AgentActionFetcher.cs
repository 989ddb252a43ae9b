using System.Collections.Concurrent;
using System.Formats.Tar;
using System.Text;
using Grpc.Core;
using KubeRunner.Protocol.Executor.V1;

namespace KubeRunner.Executor.Actions;

/// <summary>A remote action's repository tree, on this machine.</summary>
internal sealed record FetchedAction(string Directory, string Sha, bool FromCache);

/// <summary>Gets a remote action's files (from the agent, which downloads and caches them).</summary>
internal interface IActionFetcher
{
    /// <exception cref="ActionProblem">The repository or ref does not exist, or the agent could not get it.</exception>
    Task<FetchedAction> FetchAsync(string repositoryUrl, string reference, CancellationToken cancellationToken);
}

/// <summary>
/// Asks the agent for an action (GetAction) and unpacks the tar archive it streams into the act
/// directory, once per repository and ref for the whole job: the same action used by several steps,
/// or by a composite action, is transferred once.
/// </summary>
internal sealed class AgentActionFetcher(ExecutorService.ExecutorServiceClient client, Metadata headers, string actionsDirectory) : IActionFetcher
{
    private readonly ConcurrentDictionary<(string Url, string Ref), Lazy<Task<FetchedAction>>> _fetched = new();

    public Task<FetchedAction> FetchAsync(string repositoryUrl, string reference, CancellationToken cancellationToken) =>
        _fetched.GetOrAdd((repositoryUrl, reference), key => new Lazy<Task<FetchedAction>>(() => DownloadAsync(key.Url, key.Ref, cancellationToken))).Value;

    private async Task<FetchedAction> DownloadAsync(string repositoryUrl, string reference, CancellationToken cancellationToken)
    {
        Directory.CreateDirectory(actionsDirectory);
        var archive = Path.Combine(actionsDirectory, $".download-{Guid.NewGuid():N}.tar");
        try
        {
            ActionResolved? resolved = null;
            using (var call = client.GetAction(new GetActionRequest { RepositoryUrl = repositoryUrl, Ref = reference }, headers, cancellationToken: cancellationToken))
            await using (var file = File.Create(archive))
            {
                while (await call.ResponseStream.MoveNext(cancellationToken))
                {
                    var message = call.ResponseStream.Current;
                    if (message.KindCase == GetActionResponse.KindOneofCase.Resolved)
                    {
                        resolved = message.Resolved;
                    }
                    else if (message.KindCase == GetActionResponse.KindOneofCase.ArchiveChunk)
                    {
                        message.ArchiveChunk.WriteTo(file);
                    }
                }
            }

            if (resolved is null)
            {
                throw new ActionProblem($"{repositoryUrl}@{reference}: the runner sent no files for the action");
            }

            var target = Path.Combine(actionsDirectory, $"{Slug(repositoryUrl)}@{resolved.Sha}");
            if (!Directory.Exists(target))
            {
                Unpack(archive, target);
            }

            return new FetchedAction(target, resolved.Sha, resolved.FromCache);
        }
        catch (RpcException e)
        {
            throw new ActionProblem(e.Status.Detail.Length > 0 ? e.Status.Detail : $"{repositoryUrl}@{reference}: {e.StatusCode}", e);
        }
        finally
        {
            File.Delete(archive);
        }
    }

    /// <summary>Unpacks next to the target and moves it in place, so a failed unpack leaves nothing a later step could take for the action.</summary>
    private static void Unpack(string archive, string target)
    {
        var staging = target + $".part-{Guid.NewGuid():N}";
        try
        {
            Directory.CreateDirectory(staging);
            // Refuses entries that would land outside the directory.
            TarFile.ExtractToDirectory(archive, staging, overwriteFiles: false);
            Directory.Move(staging, target);
        }
        catch (Exception e) when (e is IOException or InvalidDataException or UnauthorizedAccessException)
        {
            throw new ActionProblem($"the action's files could not be unpacked: {e.Message}", e);
        }
        finally
        {
            if (Directory.Exists(staging))
            {
                Directory.Delete(staging, recursive: true);
            }
        }
    }

    /// <summary>A readable, collision-free directory name for a repository URL.</summary>
    private static string Slug(string repositoryUrl)
    {
        var uri = new Uri(repositoryUrl);
        var readable = string.Join('-', uri.AbsolutePath.Split('/', StringSplitOptions.RemoveEmptyEntries));
        // FNV-1a, not SHA-256: the executor's crypto needs libssl, which job images often lack (busybox, Debian minbase).
        var hash = 14695981039346656037UL;
        foreach (var b in Encoding.UTF8.GetBytes(repositoryUrl))
        {
            hash = (hash ^ b) * 1099511628211UL;
        }

        return $"{readable}-{hash:x16}";
    }
}
