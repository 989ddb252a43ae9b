using Microsoft.Extensions.Hosting;

namespace KubeRunner.Agent.Hosting;

/// <summary>
/// The daemon's signals are the program's own (Program.cs: a first SIGTERM drains, a second exits), so
/// the host must not install its console lifetime, which would take SIGTERM and SIGINT for itself.
/// </summary>
internal sealed class SignalFreeLifetime : IHostLifetime
{
    public Task WaitForStartAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
