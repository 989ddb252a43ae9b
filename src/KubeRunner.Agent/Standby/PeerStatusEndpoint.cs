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

    /// <summary>POST drains (the agent takes no new job), DELETE resumes; both answer the status.</summary>
    public const string DrainPath = "/standby/v1/drain";

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
        if (await AdmitAsync(context) is { } source)
        {
            await WriteAsync(context, source);
        }
    }

    public async Task HandleDrainAsync(HttpContext context)
    {
        var method = context.Request.Method;
        if (!HttpMethods.IsPost(method) && !HttpMethods.IsDelete(method))
        {
            context.Response.StatusCode = StatusCodes.Status405MethodNotAllowed;
            context.Response.Headers.Allow = "POST, DELETE";
            return;
        }

        if (await AdmitAsync(context) is { } source)
        {
            // Bounded: a fetch ends within fetch_timeout, and the answer must not hang on a stuck one.
            await source.Drain.SetAsync(HttpMethods.IsPost(method)).WaitAsync(source.FetchTimeout + TimeSpan.FromSeconds(1), context.RequestAborted)
                .ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
            await WriteAsync(context, source);
        }
    }

    /// <summary>The source to answer from, or null after answering 401 (no fleet secret) or 503 (not registered).</summary>
    private async Task<PeerStatusSource?> AdmitAsync(HttpContext context)
    {
        var response = context.Response;
        if (!Authorized(context.Request.Headers.Authorization.ToString()))
        {
            response.StatusCode = StatusCodes.Status401Unauthorized;
            response.Headers.WWWAuthenticate = "Bearer";
            await response.WriteAsync("send the fleet secret (standby.fleet_secret_file) as Authorization: Bearer <secret>\n", context.RequestAborted);
            return null;
        }

        if (_source is not { } source)
        {
            response.StatusCode = StatusCodes.Status503ServiceUnavailable;
            await response.WriteAsync("not registered yet\n", context.RequestAborted);
            return null;
        }

        return source;
    }

    private static async Task WriteAsync(HttpContext context, PeerStatusSource source)
    {
        context.Response.ContentType = "application/json";
        await JsonSerializer.SerializeAsync(context.Response.Body, source.Current(), PeerStatusJson.Default.PeerStatus, context.RequestAborted);
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
