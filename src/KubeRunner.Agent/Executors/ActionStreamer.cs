using System.Formats.Tar;
using Google.Protobuf;
using Grpc.Core;
using KubeRunner.Agent.Actions;
using KubeRunner.Protocol.Executor.V1;

namespace KubeRunner.Agent.Executors;

/// <summary>
/// Answers GetAction: the action comes from the agent's cache (downloaded once for all jobs), and
/// goes to the executor as a tar archive in chunks, so the job's container needs neither network
/// access to the actions host nor git.
/// </summary>
internal sealed class ActionStreamer(ActionCache cache)
{
    private const int ChunkBytes = 256 * 1024;

    public async Task StreamAsync(GetActionRequest request, IServerStreamWriter<GetActionResponse> responses, CancellationToken cancellationToken)
    {
        if (!Uri.TryCreate(request.RepositoryUrl, UriKind.Absolute, out var url) || url.Scheme is not ("https" or "http"))
        {
            throw new RpcException(new Status(StatusCode.InvalidArgument, $"'{request.RepositoryUrl}' is not an http(s) repository address"));
        }

        ActionLease lease;
        try
        {
            lease = await cache.AcquireAsync(request.RepositoryUrl, request.Ref, cancellationToken);
        }
        catch (ActionFetchException e)
        {
            throw new RpcException(new Status(StatusCode.Unavailable, e.Message));
        }

        using (lease)
        {
            await responses.WriteAsync(new GetActionResponse { Resolved = new ActionResolved { Sha = lease.Sha, FromCache = lease.FromCache } }, cancellationToken);
            await using var chunks = new ChunkStream(responses, cancellationToken);
            await TarFile.CreateFromDirectoryAsync(lease.Directory, chunks, includeBaseDirectory: false, cancellationToken);
            await chunks.FlushAsync(cancellationToken);
        }
    }

    /// <summary>Cuts what the tar writer produces into messages of <see cref="ChunkBytes"/>.</summary>
    private sealed class ChunkStream(IServerStreamWriter<GetActionResponse> responses, CancellationToken cancellationToken) : Stream
    {
        private readonly MemoryStream _buffer = new();

        public override bool CanRead => false;

        public override bool CanSeek => false;

        public override bool CanWrite => true;

        public override long Length => throw new NotSupportedException();

        public override long Position
        {
            get => throw new NotSupportedException();
            set => throw new NotSupportedException();
        }

        public override void Write(byte[] buffer, int offset, int count) => _buffer.Write(buffer, offset, count);

        public override async ValueTask WriteAsync(ReadOnlyMemory<byte> buffer, CancellationToken token = default)
        {
            _buffer.Write(buffer.Span);
            if (_buffer.Length >= ChunkBytes)
            {
                await SendAsync();
            }
        }

        public override Task WriteAsync(byte[] buffer, int offset, int count, CancellationToken token) =>
            WriteAsync(buffer.AsMemory(offset, count), token).AsTask();

        public override async Task FlushAsync(CancellationToken token)
        {
            if (_buffer.Length > 0)
            {
                await SendAsync();
            }
        }

        public override void Flush()
        {
            // Chunks go out asynchronously (FlushAsync, WriteAsync); the tar writer only flushes at the end.
        }

        public override int Read(byte[] buffer, int offset, int count) => throw new NotSupportedException();

        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

        public override void SetLength(long value) => throw new NotSupportedException();

        public override async ValueTask DisposeAsync()
        {
            await FlushAsync(cancellationToken);
            await _buffer.DisposeAsync();
            await base.DisposeAsync();
        }

        private async Task SendAsync()
        {
            var chunk = ByteString.CopyFrom(_buffer.GetBuffer(), 0, (int)_buffer.Length);
            _buffer.SetLength(0);
            await responses.WriteAsync(new GetActionResponse { ArchiveChunk = chunk }, cancellationToken);
        }
    }
}
