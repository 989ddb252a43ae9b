using System.Runtime.InteropServices;

namespace KubeRunner.Executor.Processes;

/// <summary>
/// The libc calls the process layer needs. Opaque libc types (posix_spawn_file_actions_t,
/// posix_spawnattr_t, sigset_t) are passed as pointers to buffers of <see cref="OpaqueSize"/>
/// bytes: their layout differs between glibc and musl and between architectures, and the
/// largest (posix_spawnattr_t, 336 bytes on x86_64 glibc) is far below that size.
/// Constants are the Linux values, identical on x86_64 and arm64 for glibc and musl.
/// </summary>
internal static unsafe partial class LibC
{
    private const string Library = "libc";

    public const int OpaqueSize = 1024;

    public const int ESRCH = 3;
    public const int EINTR = 4;
    public const int ECHILD = 10;
    public const int EAGAIN = 11;

    public const int ORdOnly = 0;
    public const int OCloExec = 0x80000;

    public const short PosixSpawnSetPGroup = 0x02;
    public const short PosixSpawnSetSigDef = 0x04;
    public const short PosixSpawnSetSigMask = 0x08;

    public const short PollIn = 0x001;

    public const int PrSetChildSubreaper = 36;

    public const int FGetFd = 1;
    public const int FSetFd = 2;
    public const int FdCloExec = 1;

    [StructLayout(LayoutKind.Sequential)]
    public struct PollFd
    {
        public int Fd;
        public short Events;
        public short REvents;
    }

    /// <summary>Returns an error number (not -1 and errno), as POSIX specifies for posix_spawn.</summary>
    [LibraryImport(Library, EntryPoint = "posix_spawn", StringMarshalling = StringMarshalling.Utf8)]
    public static partial int PosixSpawn(int* pid, string path, void* fileActions, void* attributes, byte** argv, byte** envp);

    [LibraryImport(Library, EntryPoint = "posix_spawn_file_actions_init")]
    public static partial int FileActionsInit(void* fileActions);

    [LibraryImport(Library, EntryPoint = "posix_spawn_file_actions_destroy")]
    public static partial int FileActionsDestroy(void* fileActions);

    [LibraryImport(Library, EntryPoint = "posix_spawn_file_actions_addopen", StringMarshalling = StringMarshalling.Utf8)]
    public static partial int FileActionsAddOpen(void* fileActions, int fd, string path, int flags, uint mode);

    [LibraryImport(Library, EntryPoint = "posix_spawn_file_actions_adddup2")]
    public static partial int FileActionsAddDup2(void* fileActions, int fd, int newFd);

    /// <summary>glibc 2.34+ (the executor's bundle has 2.36); musl has none.</summary>
    [LibraryImport(Library, EntryPoint = "posix_spawn_file_actions_addclosefrom_np")]
    public static partial int FileActionsAddCloseFrom(void* fileActions, int lowFd);

    [LibraryImport(Library, EntryPoint = "posix_spawn_file_actions_addclose")]
    public static partial int FileActionsAddClose(void* fileActions, int fd);

    /// <summary>glibc 2.29+ and musl 1.1.24+; both report a failing chdir as posix_spawn's result.</summary>
    [LibraryImport(Library, EntryPoint = "posix_spawn_file_actions_addchdir_np", StringMarshalling = StringMarshalling.Utf8)]
    public static partial int FileActionsAddChdir(void* fileActions, string path);

    [LibraryImport(Library, EntryPoint = "posix_spawnattr_init")]
    public static partial int SpawnAttrInit(void* attributes);

    [LibraryImport(Library, EntryPoint = "posix_spawnattr_destroy")]
    public static partial int SpawnAttrDestroy(void* attributes);

    [LibraryImport(Library, EntryPoint = "posix_spawnattr_setflags")]
    public static partial int SpawnAttrSetFlags(void* attributes, short flags);

    [LibraryImport(Library, EntryPoint = "posix_spawnattr_setpgroup")]
    public static partial int SpawnAttrSetPGroup(void* attributes, int pgroup);

    [LibraryImport(Library, EntryPoint = "posix_spawnattr_setsigmask")]
    public static partial int SpawnAttrSetSigMask(void* attributes, void* sigset);

    [LibraryImport(Library, EntryPoint = "posix_spawnattr_setsigdefault")]
    public static partial int SpawnAttrSetSigDefault(void* attributes, void* sigset);

    [LibraryImport(Library, EntryPoint = "sigemptyset", SetLastError = true)]
    public static partial int SigEmptySet(void* sigset);

    [LibraryImport(Library, EntryPoint = "pipe2", SetLastError = true)]
    public static partial int Pipe2(int* fds, int flags);

    [LibraryImport(Library, EntryPoint = "close", SetLastError = true)]
    public static partial int Close(int fd);

    [LibraryImport(Library, EntryPoint = "read", SetLastError = true)]
    public static partial nint Read(int fd, byte* buffer, nint count);

    [LibraryImport(Library, EntryPoint = "write", SetLastError = true)]
    public static partial nint Write(int fd, byte* buffer, nint count);

    [LibraryImport(Library, EntryPoint = "poll", SetLastError = true)]
    public static partial int Poll(PollFd* fds, nuint count, int timeoutMilliseconds);

    [LibraryImport(Library, EntryPoint = "kill", SetLastError = true)]
    public static partial int Kill(int pid, int signal);

    [LibraryImport(Library, EntryPoint = "waitpid", SetLastError = true)]
    public static partial int WaitPid(int pid, int* status, int options);

    /// <summary>fcntl is variadic; see <see cref="Prctl"/>. Only the F_GETFD/F_SETFD form is used.</summary>
    [LibraryImport(Library, EntryPoint = "fcntl", SetLastError = true)]
    public static partial int Fcntl(int fd, int command, nint argument);

    /// <summary>prctl is variadic; declaring every argument as a machine word matches the
    /// register calling convention of x86_64 and arm64 Linux.</summary>
    [LibraryImport(Library, EntryPoint = "prctl", SetLastError = true)]
    public static partial int Prctl(int option, nuint arg2, nuint arg3, nuint arg4, nuint arg5);

    public const int SigSetMask = 2;
    public const int SigPipe = 13;

    [LibraryImport(Library, EntryPoint = "execve", SetLastError = true)]
    public static partial int Execve(byte* path, byte** argv, byte** envp);

    [LibraryImport(Library, EntryPoint = "pthread_sigmask")]
    public static partial int PthreadSigMask(int how, void* set, void* oldSet);

    /// <summary>Sets a signal's disposition; handler 0 is SIG_DFL.</summary>
    [LibraryImport(Library, EntryPoint = "signal")]
    public static partial nint Signal(int signal, nint handler);
}
