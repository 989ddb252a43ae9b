using System.Runtime.Versioning;
using KubeRunner.Executor.Processes;
using static KubeRunner.Executor.Tests.Processes.ProcessTestSupport;

namespace KubeRunner.Executor.Tests.Processes;

public sealed class ChildProcessTests
{
    [Theory]
    [InlineData("exit 0", 0)]
    [InlineData("exit 3", 3)]
    [InlineData("exit 255", 255)]
    public async Task Exited_NormalExit_IsTheExitCode(string script, int expected)
    {
        var (exit, _) = await RunAsync(Shell(script));

        Assert.Equal(expected, exit);
    }

    [Theory]
    [InlineData("KILL", 128 + 9)]
    [InlineData("TERM", 128 + 15)]
    [InlineData("INT", 128 + 2)]
    public async Task Exited_KilledBySignal_Is128PlusSignal(string signal, int expected)
    {
        var (exit, _) = await RunAsync(Shell($"kill -{signal} $$"));

        Assert.Equal(expected, exit);
    }

    [Fact]
    public async Task Start_Environment_IsExactlyTheGivenOne()
    {
        var environment = Environment(("FOO", "bar baz"), ("EMPTY", ""), ("UNICODE", "é✓"));

        var (exit, lines) = await RunAsync(new ChildProcessStartInfo("env", [], environment, "/"));

        Assert.Equal(0, exit);
        Assert.Equal(environment.Select(pair => $"{pair.Key}={pair.Value}").Order(StringComparer.Ordinal), lines.Order(StringComparer.Ordinal));
        Assert.DoesNotContain(lines, line => line.StartsWith("HOME=", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Start_LooksUpTheExecutableInTheGivenPath()
    {
        var (exit, lines) = await RunAsync(new ChildProcessStartInfo("echo", ["found"], Environment(("PATH", "/nonexistent:relative:/usr/bin")), "/"));

        Assert.Equal(0, exit);
        Assert.Equal(["found"], lines);
    }

    [Fact]
    public void Start_ExecutableNotInTheGivenPath_ThrowsAClearMessage()
    {
        // sh is in the executor's PATH, but not in the step's.
        var error = Assert.Throws<ChildProcessException>(() => ChildProcess.Start(Shell("true", Environment(("PATH", "/nonexistent")))));

        Assert.Equal("sh: not found in PATH (/nonexistent)", error.Message);
    }

    [Fact]
    public void Start_NoPathInTheEnvironment_ThrowsAClearMessage()
    {
        var error = Assert.Throws<ChildProcessException>(() => ChildProcess.Start(Shell("true", new Dictionary<string, string>())));

        Assert.Equal("sh: not found (the environment has no PATH)", error.Message);
    }

    [Fact]
    public void Start_MissingWorkingDirectory_ThrowsAClearMessage()
    {
        var error = Assert.Throws<ChildProcessException>(() => ChildProcess.Start(Shell("true", workingDirectory: "/nonexistent/dir")));

        Assert.Equal("working directory /nonexistent/dir does not exist", error.Message);
    }

    [Fact]
    public async Task Start_RunsInTheWorkingDirectory()
    {
        var directory = Directory.CreateTempSubdirectory("child-process-");
        try
        {
            var (exit, lines) = await RunAsync(Shell("pwd", workingDirectory: directory.FullName));

            Assert.Equal(0, exit);
            Assert.Equal([directory.FullName], lines);
        }
        finally
        {
            directory.Delete();
        }
    }

    [Fact]
    [UnsupportedOSPlatform("windows")]
    public async Task Start_RelativePathWithSlash_IsUnderTheWorkingDirectory()
    {
        var directory = Directory.CreateTempSubdirectory("child-process-");
        try
        {
            var script = Path.Join(directory.FullName, "script.sh");
            await File.WriteAllTextAsync(script, "#!/bin/sh\necho from script\n");
            File.SetUnixFileMode(script, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);

            var (exit, lines) = await RunAsync(new ChildProcessStartInfo("./script.sh", [], Environment(), directory.FullName));

            Assert.Equal(0, exit);
            Assert.Equal(["from script"], lines);
        }
        finally
        {
            directory.Delete(recursive: true);
        }
    }

    [Fact]
    public async Task Output_MergesStdoutAndStderrInOrder()
    {
        var (_, lines) = await RunAsync(Shell("echo 1; echo 2 >&2; echo 3; echo 4 >&2; printf 5"));

        Assert.Equal(["1", "2", "3", "4", "5"], lines);
    }

    [Fact]
    public async Task Start_StdinIsDevNull()
    {
        var (exit, lines) = await RunAsync(Shell("readlink /proc/self/fd/0; cat; echo done"));

        Assert.Equal(0, exit);
        Assert.Equal(["/dev/null", "done"], lines);
    }

    [Fact]
    public async Task Start_ChildInheritsNoOtherFileDescriptor()
    {
        // ls itself holds one more descriptor: the directory it lists.
        var (exit, lines) = await RunAsync(new ChildProcessStartInfo("ls", ["/proc/self/fd"], Environment(), "/"));

        Assert.Equal(0, exit);
        Assert.Subset(new HashSet<string> { "0", "1", "2", "3" }, lines.ToHashSet());
    }

    [Fact]
    public async Task Start_DescriptorOpenedLaterWithoutCloseOnExec_IsNotInherited()
    {
        await RunAsync(Shell("true"));
        var path = Path.GetTempFileName();
        try
        {
            using var file = File.OpenHandle(path);
            var fd = (int)file.DangerousGetHandle();
            // As a native library (or a test beside this one) might open it, after the executor's first spawn.
            Assert.Equal(0, LibC.Fcntl(fd, LibC.FSetFd, 0));

            var (exit, lines) = await RunAsync(new ChildProcessStartInfo("ls", ["/proc/self/fd"], Environment(), "/"));

            Assert.Equal(0, exit);
            Assert.DoesNotContain(fd.ToString(System.Globalization.CultureInfo.InvariantCulture), lines);
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Fact]
    public async Task Start_ChildHasDefaultSignalsAndAnEmptyMask()
    {
        // The runtime ignores SIGPIPE; an ignored signal would survive exec.
        var (_, lines) = await RunAsync(new ChildProcessStartInfo("grep", ["-E", "^Sig(Blk|Ign)", "/proc/self/status"], Environment(), "/"));

        Assert.Equal(["SigBlk:\t0000000000000000", "SigIgn:\t0000000000000000"], lines);
    }

    [Fact]
    public async Task Start_ChildLeadsItsOwnProcessGroup()
    {
        await using var process = ChildProcess.Start(Shell("ps -o pgid= -p $$ 2>/dev/null || cut -d' ' -f5 /proc/$$/stat"));
        var lines = await ReadAllLinesAsync(process.Output).WaitAsync(Bound);

        Assert.Equal(process.Id.ToString(System.Globalization.CultureInfo.InvariantCulture), Assert.Single(lines).Trim());
    }

    [Fact]
    public async Task Start_ManyConcurrentProcesses_EachGetsItsOwnOutputAndExitCode()
    {
        var runs = Enumerable.Range(0, 40).Select(i => RunAsync(Shell($"echo out {i}; echo err {i} >&2; exit {i}"))).ToList();

        var results = await Task.WhenAll(runs);

        for (var i = 0; i < results.Length; i++)
        {
            Assert.Equal(i, results[i].Exit);
            Assert.Equal([$"out {i}", $"err {i}"], results[i].Lines);
        }
    }
}
