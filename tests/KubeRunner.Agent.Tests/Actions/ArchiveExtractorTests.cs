using System.Runtime.Versioning;
using System.Formats.Tar;
using KubeRunner.Agent.Actions;

namespace KubeRunner.Agent.Tests.Actions;

// File modes are what these tests check; Windows has none.
[UnsupportedOSPlatform("windows")]
public sealed class ArchiveExtractorTests : IDisposable
{
    private readonly DirectoryInfo _directory = Directory.CreateTempSubdirectory("kube-runner-extract-");

    private string Target => Path.Join(_directory.FullName, "target");

    public void Dispose() => _directory.Delete(recursive: true);

    [Fact]
    public async Task ExtractAsync_TypicalArchive_DropsTopDirectoryAndKeepsModesAndLinks()
    {
        var archive = new TestArchive()
            .Directory("repo/")
            .File("repo/action.yml", "name: a\n")
            .File("repo/sub/run.sh", "#!/bin/sh\n", (UnixFileMode)0b111_101_101)
            .Link("repo/sub/run", "run.sh")
            .Link("repo/copy.yml", "repo/action.yml", TarEntryType.HardLink);

        await ExtractAsync(archive.ToTarGz());

        Assert.Equal("name: a\n", File.ReadAllText(Path.Join(Target, "action.yml")));
        Assert.Equal("name: a\n", File.ReadAllText(Path.Join(Target, "copy.yml")));
        Assert.Equal((UnixFileMode)0b111_101_101, File.GetUnixFileMode(Path.Join(Target, "sub", "run.sh")));
        Assert.Equal((UnixFileMode)0b110_100_100, File.GetUnixFileMode(Path.Join(Target, "action.yml")));
        Assert.Equal("run.sh", new FileInfo(Path.Join(Target, "sub", "run")).LinkTarget);
        Assert.False(Directory.Exists(Path.Join(Target, "repo")));
    }

    [Theory]
    [InlineData("repo/../escape")]
    [InlineData("../escape")]
    [InlineData("/tmp/escape")]
    public async Task ExtractAsync_EntryLeavingTheTarget_IsRefused(string name)
    {
        var archive = new TestArchive().Directory("repo/").File(name, "owned");

        await Assert.ThrowsAsync<InvalidDataException>(() => ExtractAsync(archive.ToTarGz()));

        Assert.False(File.Exists(Path.Join(_directory.FullName, "escape")));
    }

    [Theory]
    [InlineData("../../etc/passwd")]
    [InlineData("/etc/passwd")]
    [InlineData("sub/../../..")]
    public async Task ExtractAsync_SymlinkPointingOutside_IsRefused(string target)
    {
        var archive = new TestArchive().Directory("repo/").Link("repo/link", target);

        var error = await Assert.ThrowsAsync<InvalidDataException>(() => ExtractAsync(archive.ToTarGz()));

        Assert.Contains("points outside the action's directory", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ExtractAsync_LinkThatEscapesOnlyThroughAnotherLink_IsRefused()
    {
        // "up/.." reads as the root, but "up" is a link to ".", so on disk it is the root's parent.
        var archive = new TestArchive().Directory("repo/").Link("repo/escape", "up/..").Link("repo/up", ".");

        var error = await Assert.ThrowsAsync<InvalidDataException>(() => ExtractAsync(archive.ToTarGz()));

        Assert.Contains("'escape' -> 'up/..' points outside", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ExtractAsync_EntryWrittenThroughALink_IsRefused()
    {
        var archive = new TestArchive().Directory("repo/").Link("repo/dir", "sub").Directory("repo/sub/").File("repo/dir/file", "x");

        var error = await Assert.ThrowsAsync<InvalidDataException>(() => ExtractAsync(archive.ToTarGz()));

        Assert.Contains("through the symbolic link 'dir'", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ExtractAsync_EntriesOutsideOneTopDirectory_AreRefused()
    {
        var archive = new TestArchive().File("a/action.yml", "x").File("b/other.yml", "y");

        var error = await Assert.ThrowsAsync<InvalidDataException>(() => ExtractAsync(archive.ToTarGz()));

        Assert.Contains("outside the archive's top-level directory 'a/'", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ExtractAsync_ArchiveCutAtAnEntryBoundary_IsRefused()
    {
        var archive = new TestArchive().Directory("repo/").File("repo/action.yml", "name: a\n");

        // .NET's tar reader insists on the end-of-archive marker; this guards that the extractor relies on it.
        await Assert.ThrowsAsync<EndOfStreamException>(() => ExtractAsync(archive.ToTarGz(withEndMarker: false)));
    }

    [Fact]
    public async Task ExtractAsync_GzipCutInTheMiddle_Throws()
    {
        var whole = new TestArchive().Directory("repo/").File("repo/big.txt", string.Concat(Enumerable.Range(0, 20_000).Select(i => $"{i},"))).ToTarGz();

        var error = await Record.ExceptionAsync(() => ExtractAsync(whole[..(whole.Length / 2)]));

        Assert.True(error is InvalidDataException or EndOfStreamException, $"unexpected {error}");
    }

    private async Task ExtractAsync(byte[] tarGz)
    {
        Directory.CreateDirectory(Target);
        using var stream = new MemoryStream(tarGz);
        await ArchiveExtractor.ExtractAsync(stream, Target, CancellationToken.None);
    }
}
