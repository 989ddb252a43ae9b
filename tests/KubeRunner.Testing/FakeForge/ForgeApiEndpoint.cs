using System.Text;
using System.Text.Json;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Primitives;

namespace KubeRunner.Testing.FakeForge;

/// <summary>
/// The parts of Forgejo's HTTP API a standby reads (standby.md §2.5): the jobs and runner lists, one runner, and
/// <c>/version</c>. Tokens are checked as Forgejo's <c>reqToken</c> does: none or unknown → 401, a token without
/// read rights at the path's level → 403; a path the emulated release lacks → 404 whatever the token.
/// </summary>
internal sealed class ForgeApiEndpoint(string prefix, FakeForgeState state, FakeForgeOptions options, ApiCallJournal journal)
{
    /// <summary><c>{base}/api/v1/</c>.</summary>
    public string Prefix => prefix;

    public async Task HandleAsync(HttpContext context)
    {
        var arrival = state.Now;
        var path = context.Request.Path.Value ?? "";
        var hasToken = !StringValues.IsNullOrEmpty(context.Request.Headers.Authorization);
        var (status, body, total) = Answer(context.Request, path[prefix.Length..]);
        if (total is { } count)
        {
            context.Response.Headers["X-Total-Count"] = count.ToString(System.Globalization.CultureInfo.InvariantCulture);
        }

        var bytes = Encoding.UTF8.GetBytes(body);
        context.Response.StatusCode = status;
        context.Response.ContentType = "application/json;charset=utf-8";
        context.Response.ContentLength = bytes.Length;
        await context.Response.Body.WriteAsync(bytes);
        var basePath = prefix[..^"/api/v1/".Length];
        journal.Add(new ForgeApiCall(arrival, context.Request.Method, path[basePath.Length..], context.Request.QueryString.Value ?? "", hasToken, status));
    }

    private (int Status, string Body, int? Total) Answer(HttpRequest request, string path)
    {
        if (ApiRoute.TryParse(path, options.ApiLevel) is not { } route)
        {
            return (404, Message("not found"), null);
        }

        if (!HttpMethods.IsGet(request.Method))
        {
            return (405, Message("method not allowed"), null);
        }

        if (route.Resource == ApiResource.Version)
        {
            return (200, JsonSerializer.Serialize(new Dictionary<string, string> { ["version"] = options.ServerVersion }), null);
        }

        lock (state.Gate)
        {
            if (Token(request) is not { } token || !state.ApiTokens.TryGetValue(token, out var scope))
            {
                return (401, Message("token is required or invalid"), null);
            }

            var level = route.Level! with { Owner = route.Level!.Owner ?? (route.Level.Kind == FakeApiScopeKind.User ? scope.Owner : null) };
            if (!scope.Allows(level))
            {
                return (403, Message($"token does not have at least one of required scope(s) to read this {level.Kind.ToString().ToLowerInvariant()}"), null);
            }

            var views = new ForgeApiViews(state, options);
            switch (route.Resource)
            {
                case ApiResource.Jobs:
                    return (200, views.Jobs(level, request.Query.TryGetValue("labels", out var labels) ? labels.ToString() : null), null);
                case ApiResource.Runners:
                    var (page, total) = views.Runners(level, IntQuery(request, "page"), IntQuery(request, "limit"));
                    return (200, page, total);
                default:
                    return views.Runner(level, route.RunnerId) is { } runner ? (200, runner, null) : (404, Message("runner not found"), null);
            }
        }
    }

    /// <summary><c>Authorization: token T</c> or <c>Bearer T</c>.</summary>
    private static string? Token(HttpRequest request)
    {
        var value = request.Headers.Authorization.ToString().Trim();
        var space = value.IndexOf(' ', StringComparison.Ordinal);
        if (space <= 0)
        {
            return null;
        }

        var scheme = value[..space];
        var token = value[(space + 1)..].Trim();
        return (scheme.Equals("token", StringComparison.OrdinalIgnoreCase) || scheme.Equals("bearer", StringComparison.OrdinalIgnoreCase))
            && token.Length > 0 ? token : null;
    }

    private static int IntQuery(HttpRequest request, string name) =>
        int.TryParse(request.Query[name].ToString(), out var value) ? value : 0;

    private static string Message(string message) =>
        JsonSerializer.Serialize(new Dictionary<string, string> { ["message"] = message });
}
