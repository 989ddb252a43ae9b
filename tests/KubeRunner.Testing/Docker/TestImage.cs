namespace KubeRunner.Testing.Docker;

/// <summary>The kinds of job image the executor must start in; built locally by <see cref="TestImages"/>.</summary>
public enum TestImage
{
    /// <summary>Debian bookworm (minbase debootstrap): glibc and a shell, like debian/ubuntu images.</summary>
    Debian,

    /// <summary>Only a statically linked busybox: a shell, but no libc and no dynamic loader at all.</summary>
    Busybox,

    /// <summary>Alpine-like: busybox plus musl's loader and libc at /lib/ld-musl-x86_64.so.1, no glibc.</summary>
    Musl,

    /// <summary>An empty file system: no shell, no libc, nothing (like distroless or FROM scratch).</summary>
    Scratch,
}
