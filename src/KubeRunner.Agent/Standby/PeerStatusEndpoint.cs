using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using KubeRunner.Agent.Configuration;
using Microsoft.AspNetCore.Http;

namespace KubeRunner.Agent.Standby;

/// <summary>
/// <c>GET /standby/v1/status</c> on <c>http.listen</c>: this agent's <see cref="PeerStatus"/> as JSON,
/// for peers that present the fleet secret as a bearer token. Served only with
/// <c>standby.fleet_secret_file</c>; before the agent is registered it answers 503.
/// </summary>
internal sealed class PeerStatusEndpoint(byte[]? secret)
{
    public const string Path = "/standby/v1/status";

    private volatile PeerStatusSource? _source;

    public bool Enabled => secret is not null;

    public PeerStatusSource? Source
    {
        get => _source;
        set => _source = value;
    }

    /// <summary>The fleet secret of <c>standby.fleet_secret_file</c>, or null when none is configured.</summary>
    /// <exception cref="ConfigException">The file cannot be read or is empty.</exception>
    public static byte[]? ReadSecret(string file)
    {
        if (file.Length == 0)
        {
            return null;
        }

        string text;
        try
        {
            text = File.ReadAllText(file).Trim();
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new ConfigException($"standby.fleet_secret_file: cannot read {file}: {e.Message}");
        }

        return text.Length > 0 ? Encoding.UTF8.GetBytes(text) : throw new ConfigException($"standby.fleet_secret_file: {file} is empty; put the fleet's shared secret in it");
    }

    public async Task HandleAsync(HttpContext context)
    {
        var response = context.Response;
        if (!Authorized(context.Request.Headers.Authorization.ToString()))
        {
            response.StatusCode = StatusCodes.Status401Unauthorized;
            response.Headers.WWWAuthenticate = "Bearer";
            await response.WriteAsync("send the fleet secret (standby.fleet_secret_file) as Authorization: Bearer <secret>\n", context.RequestAborted);
            return;
        }

        if (_source is not { } source)
        {
            response.StatusCode = StatusCodes.Status503ServiceUnavailable;
            await response.WriteAsync("not registered yet\n", context.RequestAborted);
            return;
        }

        response.ContentType = "application/json";
        await JsonSerializer.SerializeAsync(response.Body, source.Current(), PeerStatusJson.Default.PeerStatus, context.RequestAborted);
    }

    private bool Authorized(string header)
    {
        const string Scheme = "Bearer ";
        if (secret is null || !header.StartsWith(Scheme, StringComparison.Ordinal))
        {
            return false;
        }

        // Constant time: how much of a guess matched must not show in how long the answer takes.
        return CryptographicOperations.FixedTimeEquals(Encoding.UTF8.GetBytes(header[Scheme.Length..].Trim()), secret);
    }
}
