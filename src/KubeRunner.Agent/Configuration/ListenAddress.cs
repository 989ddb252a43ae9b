using System.Globalization;
using System.Net;

namespace KubeRunner.Agent.Configuration;

/// <summary>The TCP addresses of config.yaml (<c>executor.listen</c>, <c>http.listen</c>).</summary>
internal static class ListenAddress
{
    /// <summary>Parses <c>host:port</c>, <c>[v6]:port</c> or <c>:port</c> (all addresses).</summary>
    public static IPEndPoint Parse(string listen, string key)
    {
        var colon = listen.LastIndexOf(':');
        if (colon < 0 || !int.TryParse(listen.AsSpan(colon + 1), NumberStyles.None, CultureInfo.InvariantCulture, out var port) || port > 65535)
        {
            throw new ConfigException($"{key}: '{listen}' is not an address with a port, such as 0.0.0.0:9700");
        }

        var host = listen[..colon].Trim('[', ']');
        if (host.Length == 0)
        {
            return new IPEndPoint(IPAddress.IPv6Any, port);
        }

        if (host == "localhost")
        {
            return new IPEndPoint(IPAddress.Loopback, port);
        }

        return IPAddress.TryParse(host, out var address)
            ? new IPEndPoint(address, port)
            : throw new ConfigException($"{key}: '{host}' is not an IP address; use 0.0.0.0 to listen on all of them");
    }
}
