using System.Formats.Tar;
using KubeRunner.Agent.Backends.Docker;

namespace KubeRunner.Agent.Tests.Backends.Docker;

public sealed class ActionContainerTests
{
    [Fact]
    public void CommandLine_NoOverrides_IsTheImagesEntrypointAndCmd()
    {
        Assert.Equal(["/entry", "a", "b"], ActionContainer.CommandLine(["/entry"], ["a", "b"], [], []));
    }

    [Fact]
    public void CommandLine_ArgsGiven_ReplaceTheImagesCmd()
    {
        Assert.Equal(["/entry", "x"], ActionContainer.CommandLine(["/entry"], ["a", "b"], [], ["x"]));
    }

    [Fact]
    public void CommandLine_EntrypointGiven_DropsTheImagesEntrypointAndCmd()
    {
        Assert.Equal(["sh", "-c", "true"], ActionContainer.CommandLine(["/entry"], ["a"], ["sh"], ["-c", "true"]));
        Assert.Equal(["sh"], ActionContainer.CommandLine(["/entry"], ["a"], ["sh"], []));
    }

    [Theory]
    [InlineData("x/Dockerfile", 1, "Dockerfile")]
    [InlineData("x/sub/./a.sh", 1, "sub/a.sh")]
    [InlineData("x/", 1, null)]
    [InlineData("x/../etc/passwd", 1, null)]
    [InlineData("./Dockerfile", 0, "Dockerfile")]
    public void Relative_ArchiveEntry_IsItsPathInTheContextOrNull(string name, int strip, string? expected)
    {
        Assert.Equal(expected, ActionBuildContext.Relative(name, strip));
    }

    [Fact]
    public async Task FromTarAsync_SameFilesOtherTimesAndOrder_SameHash_OtherContent_OtherHash()
    {
        var first = await HashAsync(("x/Dockerfile", "FROM a\n", DateTimeOffset.UnixEpoch), ("x/run.sh", "echo\n", DateTimeOffset.UnixEpoch));
        var later = await HashAsync(("x/run.sh", "echo\n", DateTimeOffset.UtcNow), ("x/Dockerfile", "FROM a\n", DateTimeOffset.UtcNow));
        var changed = await HashAsync(("x/Dockerfile", "FROM b\n", DateTimeOffset.UnixEpoch), ("x/run.sh", "echo\n", DateTimeOffset.UnixEpoch));

        Assert.Equal(first, later);
        Assert.NotEqual(first, changed);
    }

    [Fact]
    public async Task FromTarAsync_Entries_AreWrittenBelowTheContextWithoutEscapes()
    {
        await using var context = await ContextAsync(("x/Dockerfile", "FROM a\n", DateTimeOffset.UnixEpoch), ("x/../evil", "no\n", DateTimeOffset.UnixEpoch));
        var names = new List<string>();
        await using var reader = new TarReader(context.Archive, leaveOpen: true);
        while (await reader.GetNextEntryAsync() is { } entry)
        {
            names.Add(entry.Name);
        }

        Assert.Equal(["Dockerfile"], names);
    }

    private static async Task<string> HashAsync(params (string Name, string Content, DateTimeOffset Time)[] files)
    {
        await using var context = await ContextAsync(files);
        return context.Hash;
    }

    private static async Task<ActionBuildContext> ContextAsync(params (string Name, string Content, DateTimeOffset Time)[] files)
    {
        var tar = new MemoryStream();
        await using (var writer = new TarWriter(tar, TarEntryFormat.Pax, leaveOpen: true))
        {
            foreach (var (name, content, time) in files)
            {
                await writer.WriteEntryAsync(new PaxTarEntry(TarEntryType.RegularFile, name)
                {
                    ModificationTime = time,
                    Mode = UnixFileMode.UserRead | UnixFileMode.UserWrite,
                    DataStream = new MemoryStream(System.Text.Encoding.UTF8.GetBytes(content)),
                });
            }
        }

        tar.Position = 0;
        return await ActionBuildContext.FromTarAsync(tar, stripComponents: 1, CancellationToken.None);
    }
}
