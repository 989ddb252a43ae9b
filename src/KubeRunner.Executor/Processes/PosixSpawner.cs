using System.Runtime.InteropServices;

namespace KubeRunner.Executor.Processes;

/// <summary>
/// Starts one process with posix_spawn. System.Diagnostics.Process cannot put the child in a new
/// process group, and its SIGCHLD handling would race with <see cref="ChildReaper"/>.
/// </summary>
internal static unsafe class PosixSpawner
{
    // Linux has 64 signals; sigset_t keeps signal n in bit n - 1, little-endian on x86_64 and arm64.
    private const int AllSignalsBytes = 8;

    /// <param name="path">The resolved executable.</param>
    /// <param name="argv">argv, including argv[0].</param>
    /// <param name="envp">"NAME=value" entries: the child's whole environment.</param>
    /// <param name="outputFd">Write end of the output pipe: becomes the child's stdout and stderr.</param>
    /// <param name="outputReadFd">Read end of the same pipe: must not stay open in the child.</param>
    /// <returns>The child's pid.</returns>
    public static int Spawn(string path, IReadOnlyList<string> argv, IReadOnlyList<string> envp, string workingDirectory, int outputFd, int outputReadFd)
    {
        using var nativeArgv = new NativeStringArray(argv, "an argument");
        using var nativeEnvp = new NativeStringArray(envp, "an environment variable");

        var fileActions = NativeMemory.AllocZeroed(LibC.OpaqueSize);
        var attributes = NativeMemory.AllocZeroed(LibC.OpaqueSize);
        var signalSet = NativeMemory.AllocZeroed(LibC.OpaqueSize);
        var fileActionsReady = false;
        var attributesReady = false;
        try
        {
            Check(LibC.FileActionsInit(fileActions), "posix_spawn_file_actions_init");
            fileActionsReady = true;

            // The order matters when the executor's own 0, 1 or 2 was closed and the pipe got one
            // of those numbers: close the read end first, duplicate the write end, open stdin
            // last. dup2 onto the same number clears FD_CLOEXEC (glibc 2.29+, musl).
            Check(LibC.FileActionsAddClose(fileActions, outputReadFd), "posix_spawn_file_actions_addclose");
            Check(LibC.FileActionsAddDup2(fileActions, outputFd, 1), "posix_spawn_file_actions_adddup2");
            Check(LibC.FileActionsAddDup2(fileActions, outputFd, 2), "posix_spawn_file_actions_adddup2");
            Check(LibC.FileActionsAddOpen(fileActions, 0, "/dev/null", LibC.ORdOnly, 0), "posix_spawn_file_actions_addopen");
            Check(LibC.FileActionsAddChdir(fileActions, workingDirectory), "posix_spawn_file_actions_addchdir_np");
            AddCloseFromThree(fileActions);

            Check(LibC.SpawnAttrInit(attributes), "posix_spawnattr_init");
            attributesReady = true;

            // A new process group led by the child, so that the whole tree can be signalled.
            // The runtime ignores SIGPIPE and ignored signals survive exec, and a runtime thread
            // may have signals blocked: the child starts with default handlers and an empty mask.
            Check(LibC.SpawnAttrSetFlags(attributes, LibC.PosixSpawnSetPGroup | LibC.PosixSpawnSetSigDef | LibC.PosixSpawnSetSigMask), "posix_spawnattr_setflags");
            Check(LibC.SpawnAttrSetPGroup(attributes, 0), "posix_spawnattr_setpgroup");
            // Every bit rather than sigfillset: that leaves out the signals glibc uses internally
            // (32, 33), and glibc's spawn then sets them to SIG_IGN in the child, for good.
            CheckErrno(LibC.SigEmptySet(signalSet), "sigemptyset");
            new Span<byte>(signalSet, AllSignalsBytes).Fill(0xff);
            Check(LibC.SpawnAttrSetSigDefault(attributes, signalSet), "posix_spawnattr_setsigdefault");
            CheckErrno(LibC.SigEmptySet(signalSet), "sigemptyset");
            Check(LibC.SpawnAttrSetSigMask(attributes, signalSet), "posix_spawnattr_setsigmask");

            int pid;
            var error = LibC.PosixSpawn(&pid, path, fileActions, attributes, nativeArgv.Pointer, nativeEnvp.Pointer);
            if (error != 0)
            {
                throw new ChildProcessException($"{path}: cannot start in {workingDirectory}: {Marshal.GetPInvokeErrorMessage(error)}");
            }

            return pid;
        }
        finally
        {
            if (fileActionsReady)
            {
                _ = LibC.FileActionsDestroy(fileActions);
            }

            if (attributesReady)
            {
                _ = LibC.SpawnAttrDestroy(attributes);
            }

            NativeMemory.Free(fileActions);
            NativeMemory.Free(attributes);
            NativeMemory.Free(signalSet);
        }
    }


    /// <summary>
    /// Closes every descriptor from 3 up in the child, whatever this process opened without
    /// close-on-exec since it started (a native library, another thread), where the C library can
    /// (glibc 2.34+); elsewhere the marking of <see cref="InheritedDescriptors"/> is what there is.
    /// </summary>
    private static void AddCloseFromThree(void* fileActions)
    {
        try
        {
            Check(LibC.FileActionsAddCloseFrom(fileActions, 3), "posix_spawn_file_actions_addclosefrom_np");
        }
        catch (EntryPointNotFoundException)
        {
            // musl, or a glibc older than 2.34.
        }
    }
    private static void Check(int error, string call)
    {
        if (error != 0)
        {
            throw new ChildProcessException($"{call} failed: {Marshal.GetPInvokeErrorMessage(error)}");
        }
    }

    private static void CheckErrno(int result, string call)
    {
        if (result != 0)
        {
            throw new ChildProcessException($"{call} failed: {Marshal.GetPInvokeErrorMessage(Marshal.GetLastPInvokeError())}");
        }
    }
}
