using System.Net;
using System.Net.Http.Headers;
using KubeRunner.Agent.Forge.Connect;
using KubeRunner.Agent.Hosting;

namespace KubeRunner.Agent.Actions;

/// <summary>
/// The HTTP client for downloading actions: separate from the forge's, because the servers that
/// host actions are not the forge and must never see its credentials.
/// </summary>
internal static class ActionsHttp
{
    /// <summary>Key of the client among the agent's keyed services.</summary>
    public const string ServiceKey = "actions";

    public static HttpClient CreateClient()
    {
        // The forge's connection settings (proxy from the environment, connect timeout, DNS refresh),
        // always verifying certificates: runner.insecure is about the forge only.
        var handler = ForgeHttp.CreateHandler(insecure: false);
        // Archives are .tar.gz files that the extractor inflates itself.
        handler.AutomaticDecompression = DecompressionMethods.None;

        // Timeouts are per fetch (actions.download_timeout), so the client-wide one is off. Redirects
        // are followed: GitHub sends archives from another host (codeload.github.com).
        var client = new HttpClient(handler, disposeHandler: true) { Timeout = Timeout.InfiniteTimeSpan };
        // Some servers speak the smart protocol only to clients that call themselves git.
        client.DefaultRequestHeaders.UserAgent.Add(new ProductInfoHeaderValue("git", "2.0"));
        client.DefaultRequestHeaders.UserAgent.Add(new ProductInfoHeaderValue("kube-runner", AgentVersion.Value));
        return client;
    }
}
