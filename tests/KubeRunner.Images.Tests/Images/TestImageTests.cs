using KubeRunner.Testing.Docker;

namespace KubeRunner.Images.Tests.Images;

/// <summary>
/// The test images are what their names claim, so that "starts in musl" means something: the libc
/// loaders each one has, and no shell in scratch.
/// </summary>
public sealed class TestImageTests(ImageTestBed bed) : IClassFixture<ImageTestBed>
{
    private const string Probe =
        "test -e /lib64/ld-linux-x86-64.so.2 && echo glibc; "
        + "test -e /lib/ld-musl-x86_64.so.1 && /lib/ld-musl-x86_64.so.1 2>&1 | head -n 1; true";

    [Theory]
    [InlineData(TestImage.Debian, "glibc\n")]
    [InlineData(TestImage.Busybox, "")]
    [InlineData(TestImage.Musl, "musl libc (x86_64)\n")]
    public async Task Loaders_InImage_AreExactlyTheImagesLibc(TestImage image, string expected)
    {
        var run = await TestContainer.RunAsync(await bed.Image(image), ["/bin/sh", "-c", Probe]);

        Assert.True(run.ExitCode == 0, run.Describe());
        Assert.Equal(expected, run.Stdout);
    }

    [Fact]
    public async Task Shell_InScratch_DoesNotExist()
    {
        var run = await TestContainer.RunAsync(await bed.Image(TestImage.Scratch), ["/bin/sh", "-c", "true"]);

        Assert.NotEqual(0, run.ExitCode);
    }
}
