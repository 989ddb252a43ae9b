using KubeRunner.Testing;
using KubeRunner.Testing.Docker;
using Xunit.Abstractions;

namespace KubeRunner.Images.Tests.Images;

/// <summary>The bundle's contents: exactly the executor and the libraries it loads, all inside the bundle.</summary>
public sealed class ExecutorBundleTests(ImageTestBed bed, ITestOutputHelper output) : IClassFixture<ImageTestBed>
{
    // The bundle is copied into every job's container; growing past this should be a decision, not an accident.
    private const long SizeBudgetBytes = 48L * 1024 * 1024;

    [Fact]
    public async Task Libraries_AsTheBundledLoaderResolvesThem_AllComeFromTheBundleAndAllAreUsed()
    {
        var bundle = await bed.Bundle;
        var lib = Path.Combine(bundle.Directory, "lib");

        // The bundled loader lists what it would map for the patched binary (without running it).
        var listing = await HostCommand.RunCheckedAsync(Path.Combine(lib, "ld-linux-x86-64.so.2"),
            ["--list", Path.Combine(bundle.Directory, "kube-runner-executor")], TestTimeouts.Default);
        output.WriteLine(listing);

        var loaded = listing.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
            .Select(line => line.Split(' '))
            .Where(parts => parts is [_, "=>", _, ..])
            .ToDictionary(parts => parts[0], parts => parts[2], StringComparer.Ordinal);
        Assert.All(loaded, entry => Assert.StartsWith(lib + "/", Path.GetFullPath(entry.Value), StringComparison.Ordinal));
        var bundled = Directory.GetFiles(lib).Select(Path.GetFileName).Order(StringComparer.Ordinal);
        Assert.Equal(bundled, loaded.Keys.Select(Path.GetFileName).Order(StringComparer.Ordinal));
    }

    [Fact]
    public async Task Size_IsRecordedAndWithinBudget()
    {
        var bundle = await bed.Bundle;

        foreach (var (file, size) in bundle.Files.OrderBy(entry => entry.Key, StringComparer.Ordinal))
        {
            output.WriteLine($"{size,12:N0}  {file}");
        }

        output.WriteLine($"{bundle.SizeBytes,12:N0}  total (published in {bundle.PublishDuration.TotalSeconds:F0} s)");
        Assert.InRange(bundle.SizeBytes, 1, SizeBudgetBytes);
    }
}
