using System.Diagnostics;

namespace KubeRunner.Testing.Docker;

/// <summary>
/// A lock shared by every test process of the machine: `dotnet test` runs the test projects at the
/// same time, and two of them building the same image or publishing the same executor into the same
/// obj/ directory would corrupt each other's output.
/// </summary>
public static class MachineLock
{
    /// <summary>Waits (within the build bound) for the lock named <paramref name="name"/>; disposing the stream releases it.</summary>
    public static async Task<FileStream> AcquireAsync(string name)
    {
        var path = Path.Combine(Path.GetTempPath(), $"kube-runner-{name.Replace('/', '-').Replace(':', '-')}.lock");
        var waited = Stopwatch.StartNew();
        while (true)
        {
            try
            {
                // FileShare.None is an exclusive flock on Linux, released when the stream is disposed.
                return new FileStream(path, FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None);
            }
            catch (IOException) when (waited.Elapsed < TestTimeouts.Build)
            {
                await Task.Delay(TimeSpan.FromMilliseconds(500));
            }
        }
    }
}
