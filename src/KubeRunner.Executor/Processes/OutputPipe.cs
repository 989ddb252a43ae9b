using System.Runtime.InteropServices;

namespace KubeRunner.Executor.Processes;

/// <summary>A pipe whose two ends are close-on-exec, so that no other child inherits them.</summary>
internal static unsafe class OutputPipe
{
    public static (int Read, int Write) Create()
    {
        var fds = stackalloc int[2];
        if (LibC.Pipe2(fds, LibC.OCloExec) != 0)
        {
            throw new ChildProcessException($"cannot create a pipe: {Marshal.GetPInvokeErrorMessage(Marshal.GetLastPInvokeError())}");
        }

        return (fds[0], fds[1]);
    }
}
