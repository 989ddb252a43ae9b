using System.Text;
using KubeRunner.Executor.Processes;

namespace KubeRunner.Executor.Tests.Processes;

public sealed class PipeOutputStreamTests
{
    [Fact]
    public async Task End_DataAlreadyInThePipe_IsStillReturned()
    {
        // The race of a step that printed its last line and exited just before the output was ended:
        // End may come before the pump has read the pipe. Many rounds, so the race is hit.
        for (var round = 0; round < 200; round++)
        {
            var (read, write) = OutputPipe.Create();
            using var stream = new PipeOutputStream(read);
            using var writer = Writer(write);
            Write(writer, $"last line {round}\n");

            stream.End();
            using var reader = new StreamReader(stream, Encoding.UTF8);
            var text = await reader.ReadToEndAsync().WaitAsync(TimeSpan.FromSeconds(10));

            Assert.Equal($"last line {round}\n", text);
        }
    }

    [Fact]
    public async Task End_WriterKeepsThePipeOpen_ReadsEndAndLaterDataIsDropped()
    {
        var (read, write) = OutputPipe.Create();
        using var stream = new PipeOutputStream(read);
        using var writer = Writer(write);
        Write(writer, "before\n");
        stream.End();
        using var reader = new StreamReader(stream, Encoding.UTF8);

        Assert.Equal("before\n", await reader.ReadToEndAsync().WaitAsync(TimeSpan.FromSeconds(10)));
        // The pipe is still drained: a writer left behind never blocks on a full pipe.
        for (var i = 0; i < 64; i++)
        {
            Write(writer, new string('x', 16 * 1024));
        }
    }

    private static FileStream Writer(int fd) =>
        new(new Microsoft.Win32.SafeHandles.SafeFileHandle(fd, ownsHandle: true), FileAccess.Write, bufferSize: 0);

    private static void Write(FileStream writer, string text) => writer.Write(Encoding.UTF8.GetBytes(text));
}
