using System.Runtime.Versioning;
using KubeRunner.Executor.Processes;

namespace KubeRunner.Executor.Tests.Processes;

public sealed class ExecutablePathTests : IDisposable
{
    private readonly DirectoryInfo _directory = Directory.CreateTempSubdirectory("executable-path-");

    public void Dispose() => _directory.Delete(recursive: true);

    [Fact]
    public void Find_SearchesThePathInOrder() =>
        Assert.Equal("/usr/bin/env", ExecutablePath.Find("env", "/nonexistent::relative:/usr/bin:/bin"));

    [Fact]
    public void Find_NotInPath_IsNull()
    {
        Assert.Null(ExecutablePath.Find("env", "/nonexistent"));
        Assert.Null(ExecutablePath.Find("env", null));
        Assert.Null(ExecutablePath.Find("env", ""));
    }

    [Fact]
    public void Find_NameWithSlash_IsUsedAsIs()
    {
        Assert.Equal("/usr/bin/env", ExecutablePath.Find("/usr/bin/env", null));
        Assert.Null(ExecutablePath.Find("/nonexistent/env", "/usr/bin"));
    }

    [Fact]
    [UnsupportedOSPlatform("windows")]
    public void Find_FileWithoutExecuteBit_IsSkipped()
    {
        var first = Directory.CreateDirectory(Path.Join(_directory.FullName, "first")).FullName;
        var second = Directory.CreateDirectory(Path.Join(_directory.FullName, "second")).FullName;
        File.WriteAllText(Path.Join(first, "tool"), "");
        File.SetUnixFileMode(Path.Join(first, "tool"), UnixFileMode.UserRead | UnixFileMode.UserWrite);
        File.WriteAllText(Path.Join(second, "tool"), "");
        File.SetUnixFileMode(Path.Join(second, "tool"), UnixFileMode.UserRead | UnixFileMode.UserExecute);

        Assert.Equal(Path.Join(second, "tool"), ExecutablePath.Find("tool", $"{first}:{second}"));
        Assert.Null(ExecutablePath.Find(Path.Join(first, "tool"), null));
    }

    [Fact]
    public void Find_Directory_IsSkipped()
    {
        Directory.CreateDirectory(Path.Join(_directory.FullName, "tool"));

        Assert.Null(ExecutablePath.Find("tool", _directory.FullName));
    }
}
