using System.Diagnostics;
using System.Text;

namespace KubeRunner.Testing.FakeKubernetes.Docker;

/// <summary>
/// Follows one container's output with <c>docker logs --follow</c> and hands every piece to the pod's log
/// as it arrives, so that a test (or the backend) can read the log while the container runs. The
/// command ends by itself when the container stops or is removed.
/// </summary>
internal sealed class DockerLogStream : IAsyncDisposable
{
    private readonly Process _process;
    private readonly Task _completion;

    private DockerLogStream(Process process, Task completion)
    {
        _process = process;
        _completion = completion;
    }

    public static DockerLogStream Start(string containerId, Action<string> append)
    {
        var start = new ProcessStartInfo("docker")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = true,
            UseShellExecute = false,
        };
        foreach (var arg in new[] { "logs", "--follow", containerId })
        {
            start.ArgumentList.Add(arg);
        }

        var process = Process.Start(start) ?? throw new InvalidOperationException("docker logs did not start");
        process.StandardInput.Close();
        var completion = Task.WhenAll(
            PumpAsync(process.StandardOutput.BaseStream, append),
            PumpAsync(process.StandardError.BaseStream, append),
            process.WaitForExitAsync());
        return new DockerLogStream(process, completion);
    }

    /// <summary>Waits until the container's output has all been appended, within <paramref name="bound"/>.</summary>
    public async Task<bool> DrainAsync(TimeSpan bound)
    {
        try
        {
            await _completion.WaitAsync(bound);
            return true;
        }
        catch (TimeoutException)
        {
            return false;
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (!_process.HasExited)
        {
            // Only the docker client this stream started; the container is someone else's business.
            _process.Kill(entireProcessTree: true);
        }

        try
        {
            await _completion.WaitAsync(TestTimeouts.Default);
        }
        catch (Exception e) when (e is IOException or TimeoutException or InvalidOperationException)
        {
            // The pipes broke because the process was killed: nothing more to read.
        }

        _process.Dispose();
    }

    private static async Task PumpAsync(Stream stream, Action<string> append)
    {
        // A stateful decoder: a UTF-8 sequence split between two reads is not mangled.
        var decoder = Encoding.UTF8.GetDecoder();
        var bytes = new byte[8192];
        var chars = new char[Encoding.UTF8.GetMaxCharCount(bytes.Length)];
        int read;
        while ((read = await stream.ReadAsync(bytes)) > 0)
        {
            var count = decoder.GetChars(bytes, 0, read, chars, 0, flush: false);
            if (count > 0)
            {
                append(new string(chars, 0, count));
            }
        }
    }
}
