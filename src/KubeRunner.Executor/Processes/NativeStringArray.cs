using System.Runtime.InteropServices;
using System.Text;

namespace KubeRunner.Executor.Processes;

/// <summary>A NULL-terminated array of NUL-terminated UTF-8 strings (argv, envp) in native memory.</summary>
internal sealed unsafe class NativeStringArray : IDisposable
{
    private readonly int _count;

    public NativeStringArray(IReadOnlyList<string> values, string what)
    {
        _count = values.Count;
        Pointer = (byte**)NativeMemory.AllocZeroed((nuint)(_count + 1), (nuint)sizeof(byte*));
        for (var i = 0; i < _count; i++)
        {
            var value = values[i];
            if (value.Contains('\0', StringComparison.Ordinal))
            {
                Dispose();
                throw new ChildProcessException($"{what} contains a NUL character");
            }

            var length = Encoding.UTF8.GetByteCount(value);
            var bytes = (byte*)NativeMemory.Alloc((nuint)length + 1);
            Encoding.UTF8.GetBytes(value, new Span<byte>(bytes, length));
            bytes[length] = 0;
            Pointer[i] = bytes;
        }
    }

    public byte** Pointer { get; private set; }

    public void Dispose()
    {
        if (Pointer == null)
        {
            return;
        }

        // Entries after a failed one are still zero, and freeing NULL is a no-op.
        for (var i = 0; i < _count; i++)
        {
            NativeMemory.Free(Pointer[i]);
        }

        NativeMemory.Free(Pointer);
        Pointer = null;
    }
}
