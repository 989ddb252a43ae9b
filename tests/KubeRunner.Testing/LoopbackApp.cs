using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.DependencyInjection;

namespace KubeRunner.Testing;

/// <summary>What the in-process test servers (fake forge, loopback git server) share about their Kestrel app.</summary>
internal static class LoopbackApp
{
    /// <summary>The address Kestrel actually bound, after a start on port 0.</summary>
    public static Uri BoundAddress(WebApplication app) =>
        new(app.Services.GetRequiredService<IServer>().Features.GetRequiredFeature<IServerAddressesFeature>().Addresses.First());

    /// <summary>Ends held and running requests first (through <paramref name="shutdown"/>), so that stopping does not wait for them.</summary>
    public static async Task StopAsync(WebApplication app, CancellationTokenSource shutdown)
    {
        await shutdown.CancelAsync();
        using (var stopTimeout = new CancellationTokenSource(TimeSpan.FromSeconds(5)))
        {
            await app.StopAsync(stopTimeout.Token);
        }

        await app.DisposeAsync();
        shutdown.Dispose();
    }
}
