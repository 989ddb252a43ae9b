using KubeRunner.Executor;
using KubeRunner.Testing.Docker;
using Xunit.Abstractions;

namespace KubeRunner.Images.Tests.Images;

/// <summary>
/// The executor bundle starts as the main process of every kind of job image, with nothing taken from
/// the image (docs/adr/0005-executor-binary.md). One row per image, so the test names list them.
/// </summary>
public sealed class ExecutorImageTests(ImageTestBed bed, ITestOutputHelper output) : IClassFixture<ImageTestBed>
{
    [Theory]
    [InlineData(TestImage.Debian)]
    [InlineData(TestImage.Busybox)]
    [InlineData(TestImage.Musl)]
    [InlineData(TestImage.Scratch)]
    public async Task Version_InImage_StartsAndPrintsVersion(TestImage image)
    {
        var bundle = await bed.Bundle;
        var reference = await bed.Image(image);

        var run = await RunVersionAsync(reference, bundle, new ContainerOptions());

        output.WriteLine($"{reference}: {run.Describe()}");
        Assert.True(run.ExitCode == 0, run.Describe());
        Assert.Equal($"kube-runner-executor {ExecutorProgram.Version}\n", run.Stdout);
    }

    [Fact]
    public async Task Version_WithForeignLibcOnLdLibraryPath_StillLoadsBundledLibc()
    {
        // Images such as CUDA's set LD_LIBRARY_PATH; a libc found there must not replace the bundled one,
        // which DT_RPATH (searched before LD_LIBRARY_PATH, unlike DT_RUNPATH) guarantees. musl's libc
        // under glibc's names is as foreign as it gets: loading it would crash at once.
        var bundle = await bed.Bundle;
        var reference = await bed.Image(TestImage.Busybox);
        var foreign = Directory.CreateTempSubdirectory("kube-runner-foreign-libc-");
        try
        {
            var musl = new FileInfo("/lib/ld-musl-x86_64.so.1").ResolveLinkTarget(returnFinalTarget: true)?.FullName ?? "/lib/ld-musl-x86_64.so.1";
            File.Copy(musl, Path.Combine(foreign.FullName, "libc.so.6"));
            File.Copy(musl, Path.Combine(foreign.FullName, "libm.so.6"));
            var options = new ContainerOptions();
            options.Copies.Add(new ContainerCopy(foreign.FullName, "/foreign-libc"));
            options.Environment["LD_LIBRARY_PATH"] = "/foreign-libc";

            var run = await RunVersionAsync(reference, bundle, options);

            Assert.True(run.ExitCode == 0, run.Describe());
            Assert.Equal($"kube-runner-executor {ExecutorProgram.Version}\n", run.Stdout);
        }
        finally
        {
            foreign.Delete(recursive: true);
        }
    }

    private static Task<CommandResult> RunVersionAsync(string reference, ExecutorBundle bundle, ContainerOptions options)
    {
        options.Copies.Add(bundle.ToContainer());
        return TestContainer.RunAsync(reference, [ExecutorBundle.ContainerExecutable, "--version"], options);
    }
}
