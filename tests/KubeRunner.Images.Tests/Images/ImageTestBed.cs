using KubeRunner.Testing.Docker;

namespace KubeRunner.Images.Tests.Images;

/// <summary>
/// Starts publishing the bundle and building every test image at once, when the first image test runs,
/// so that the slow parts (the AOT publish, debootstrap) overlap. Each test awaits only what it uses:
/// one image failing to build fails that image's tests, not the others.
/// </summary>
public sealed class ImageTestBed
{
    private readonly Dictionary<TestImage, Task<string>> _images;

    public ImageTestBed()
    {
        Bundle = ExecutorBundle.EnsureAsync();
        _images = Enum.GetValues<TestImage>().ToDictionary(image => image, TestImages.EnsureAsync);
    }

    public Task<ExecutorBundle> Bundle { get; }

    public Task<string> Image(TestImage image) => _images[image];
}
