using System.Net;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using k8s;
using k8s.Models;
using Microsoft.AspNetCore.Http;

namespace KubeRunner.Testing.FakeKubernetes;

/// <summary>
/// Routes <c>/api/v1/namespaces/{ns}/{plural}[/{name}[/log]]</c> and
/// <c>/apis/{group}/{version}/namespaces/{ns}/{plural}[/{name}]</c> to the store, answering
/// failures as Status objects and recording every request.
/// </summary>
internal sealed class KubeApiHandler(FakeKubeApiServer server)
{
    // A create names its object in the body; the request log names it as the audit log would.
    private const string CreatedName = "kube-runner.created-name";

    public async Task HandleAsync(HttpContext context)
    {
        var request = context.Request;
        var received = server.Options.TimeProvider.GetUtcNow();
        var route = Parse(request.Path.Value ?? "");
        var verb = VerbOf(request, route);
        var resource = route is null ? "" : route.Resource.Plural + (route.Subresource is { } sub ? "/" + sub : "");
        var logged = 0;
        void Log()
        {
            if (Interlocked.Exchange(ref logged, 1) == 0)
            {
                server.Requests.Add(new KubeRequest(request.Method, request.Path.Value ?? "", request.QueryString.Value ?? "", verb, resource,
                    route?.Namespace, route?.Name ?? context.Items[CreatedName] as string, context.Response.StatusCode, received));
            }
        }

        // Logged when the answer starts, so that a watch shows while it is still open.
        context.Response.OnStarting(() =>
        {
            Log();
            return Task.CompletedTask;
        });
        try
        {
            if (route is null)
            {
                throw new KubeApiException(HttpStatusCode.NotFound, "NotFound", "the server could not find the requested resource");
            }

            if (server.Faults.Take(verb, resource, route.Resource, route.Name) is { } fault)
            {
                if (verb == "create")
                {
                    // Named in the log as a served create would be, so a test can tell whose request failed.
                    context.Items[CreatedName] = await NameInBodyAsync(context);
                }

                throw fault;
            }

            await DispatchAsync(context, route, verb);
        }
        catch (KubeApiException e) when (!context.Response.HasStarted)
        {
            await WriteAsync(context, (int)e.Code, e.ToStatus());
        }
        catch (Exception e) when (!context.Response.HasStarted && e is not OperationCanceledException)
        {
            // A bug in the fake itself: the test sees it in the response instead of a bare 500.
            var error = new KubeApiException(HttpStatusCode.InternalServerError, "InternalError", $"fake API server failed: {e}");
            await WriteAsync(context, StatusCodes.Status500InternalServerError, error.ToStatus());
        }
        finally
        {
            Log();
        }
    }

    private async Task DispatchAsync(HttpContext context, KubeRoute route, string verb)
    {
        var query = context.Request.Query;
        switch (verb)
        {
            case "create":
                var body = await new StreamReader(context.Request.Body, Encoding.UTF8).ReadToEndAsync(context.RequestAborted);
                var item = ReadStrict(route.Resource, body);
                if (item.Metadata?.NamespaceProperty is { Length: > 0 } bodyNamespace && bodyNamespace != route.Namespace)
                {
                    throw KubeApiException.BadRequest("the namespace of the provided object does not match the namespace sent on the request");
                }

                item.Metadata!.NamespaceProperty = route.Namespace;
                // Named before the store answers, so that a create refused as AlreadyExists is logged with its name.
                context.Items[CreatedName] = item.Metadata.Name;
                var created = server.CreateObject(route.Resource, item);
                context.Items[CreatedName] = created.Metadata.Name;
                await WriteAsync(context, StatusCodes.Status201Created, created);
                break;
            case "get" when route.Subresource == "log":
                await WriteLogAsync(context, route);
                break;
            case "get":
                await WriteAsync(context, StatusCodes.Status200OK,
                    server.Store.Get<IKubernetesObject<V1ObjectMeta>>(route.Resource, route.Namespace, route.Name!)
                    ?? throw KubeApiException.NotFound(route.Resource, route.Name!));
                break;
            case "list":
                var filter = KubeSelector.Parse(query["labelSelector"], query["fieldSelector"]);
                var (items, version) = server.Store.List(route.Resource, route.Namespace, filter);
                await WriteAsync(context, StatusCodes.Status200OK,
                    route.Resource.CreateList(items, version.ToString(System.Globalization.CultureInfo.InvariantCulture)));
                break;
            case "watch":
                await new KubeWatchStream(server, route.Resource, route.Namespace).RunAsync(context);
                break;
            case "patch":
                var patch = await new StreamReader(context.Request.Body, Encoding.UTF8).ReadToEndAsync(context.RequestAborted);
                await WriteAsync(context, StatusCodes.Status200OK,
                    MetadataPatch.Apply(server, route, context.Request.ContentType, patch));
                break;
            case "update":
                var replacement = ReadStrict(route.Resource, await new StreamReader(context.Request.Body, Encoding.UTF8).ReadToEndAsync(context.RequestAborted));
                await WriteAsync(context, StatusCodes.Status200OK, server.Store.Replace(route.Resource, route.Namespace, route.Name!, replacement));
                break;
            case "delete":
                var options = await ReadDeleteOptionsAsync(context);
                var deleted = server.DeleteObject(route.Resource, route.Namespace, route.Name!, options);
                // Pods answer with the pod itself; the other kinds with a Success status.
                await WriteAsync(context, StatusCodes.Status200OK, deleted is V1Pod ? deleted : new V1Status
                {
                    ApiVersion = "v1", Kind = "Status", Status = "Success", Metadata = new V1ListMeta(),
                    Details = new V1StatusDetails { Name = route.Name, Group = route.Resource.Group, Kind = route.Resource.Plural, Uid = deleted.Metadata.Uid },
                });
                break;
            default:
                throw new KubeApiException(HttpStatusCode.MethodNotAllowed, "MethodNotAllowed",
                    $"the fake API server does not serve {context.Request.Method} on {route.Resource.QualifiedName}");
        }
    }

    private static IKubernetesObject<V1ObjectMeta> ReadStrict(KubeResource resource, string body)
    {
        try
        {
            var item = (IKubernetesObject<V1ObjectMeta>)KubeStrictJson.Read(body, resource.ItemType);
            if ((item.Kind is { } kind && kind != resource.Kind) || (item.ApiVersion is { } apiVersion && apiVersion != resource.ApiVersion))
            {
                throw KubeApiException.BadRequest($"the object is a {item.ApiVersion}/{item.Kind}, not a {resource.ApiVersion}/{resource.Kind}");
            }

            return item;
        }
        catch (KubeStrictJsonException e)
        {
            throw KubeApiException.BadRequest($"strict decoding error: {e.Message}");
        }
    }

    private static async Task<string?> NameInBodyAsync(HttpContext context)
    {
        var body = await new StreamReader(context.Request.Body, Encoding.UTF8).ReadToEndAsync(context.RequestAborted);
        try
        {
            return JsonNode.Parse(body)?["metadata"]?["name"]?.GetValue<string>();
        }
        catch (Exception e) when (e is JsonException or InvalidOperationException)
        {
            return null;
        }
    }

    private static async Task<V1DeleteOptions?> ReadDeleteOptionsAsync(HttpContext context)
    {
        var body = await new StreamReader(context.Request.Body, Encoding.UTF8).ReadToEndAsync(context.RequestAborted);
        V1DeleteOptions? options = null;
        if (!string.IsNullOrWhiteSpace(body))
        {
            try
            {
                options = KubeStrictJson.Read<V1DeleteOptions>(body);
            }
            catch (KubeStrictJsonException e)
            {
                throw KubeApiException.BadRequest($"strict decoding error: {e.Message}");
            }
        }

        var query = context.Request.Query;
        if (query["propagationPolicy"] is { Count: > 0 } policy)
        {
            options ??= new V1DeleteOptions();
            options.PropagationPolicy = policy.ToString();
        }

        if (query["orphanDependents"] is { Count: > 0 } orphan)
        {
            options ??= new V1DeleteOptions();
            options.OrphanDependents = orphan.ToString() == "true";
        }

        return options;
    }

    private async Task WriteLogAsync(HttpContext context, KubeRoute route)
    {
        var pod = server.Store.Get<V1Pod>(KubeResource.Pods, route.Namespace, route.Name!) ?? throw KubeApiException.NotFound(KubeResource.Pods, route.Name!);
        var names = (pod.Spec.InitContainers ?? []).Select(c => c.Name).Concat(pod.Spec.Containers.Select(c => c.Name)).ToList();
        string container = context.Request.Query["container"].ToString();
        if (container.Length == 0)
        {
            if (pod.Spec.Containers.Count != 1)
            {
                throw KubeApiException.BadRequest($"a container name must be specified for pod {pod.Metadata.Name}, choose one of: [{string.Join(" ", pod.Spec.Containers.Select(c => c.Name))}]");
            }

            container = pod.Spec.Containers[0].Name;
        }
        else if (!names.Contains(container))
        {
            throw KubeApiException.BadRequest($"container {container} is not valid for pod {pod.Metadata.Name}");
        }

        context.Response.StatusCode = StatusCodes.Status200OK;
        context.Response.ContentType = "text/plain";
        await context.Response.WriteAsync(server.Logs.Read(route.Namespace, pod.Metadata.Name, container), context.RequestAborted);
    }

    internal static async Task WriteAsync(HttpContext context, int statusCode, object body)
    {
        context.Response.StatusCode = statusCode;
        context.Response.ContentType = "application/json";
        await context.Response.WriteAsync(ToJson(body), context.RequestAborted);
    }

    /// <summary>Kubernetes JSON for a model; V1Status is written by hand because the client's converter for it only reads.</summary>
    internal static string ToJson(object body)
    {
        if (body is not V1Status status)
        {
            return JsonSerializer.Serialize(body, body.GetType(), KubeStrictJson.Client);
        }

        var json = new JsonObject
        {
            ["kind"] = "Status",
            ["apiVersion"] = "v1",
            ["metadata"] = new JsonObject(),
            ["status"] = status.Status,
        };
        if (status.Message is { } message)
        {
            json["message"] = message;
        }

        if (status.Reason is { } reason)
        {
            json["reason"] = reason;
        }

        if (status.Details is { } details)
        {
            json["details"] = JsonNode.Parse(JsonSerializer.Serialize(details, KubeStrictJson.Client));
        }

        if (status.Code is { } code)
        {
            json["code"] = code;
        }

        return json.ToJsonString();
    }

    private static string VerbOf(HttpRequest request, KubeRoute? route) => request.Method switch
    {
        "POST" => "create",
        "GET" when route?.Name is null && request.Query["watch"] is var watch && (watch == "true" || watch == "1") => "watch",
        "GET" when route?.Name is null => "list",
        "GET" => "get",
        "DELETE" when route?.Name is null => "deletecollection",
        "DELETE" => "delete",
        "PUT" => "update",
        "PATCH" => "patch",
        _ => request.Method.ToLowerInvariant(),
    };

    private static KubeRoute? Parse(string path)
    {
        var parts = path.Trim('/').Split('/');
        int rest;
        string group, version;
        if (parts.Length >= 5 && parts[0] == "api" && parts[2] == "namespaces")
        {
            (group, version, rest) = ("", parts[1], 3);
        }
        else if (parts.Length >= 6 && parts[0] == "apis" && parts[3] == "namespaces")
        {
            (group, version, rest) = (parts[1], parts[2], 4);
        }
        else
        {
            return null;
        }

        var remaining = parts[rest..];
        if (remaining.Length > 4 || KubeResource.Find(group, version, remaining[1]) is not { } resource)
        {
            return null;
        }

        var subresource = remaining.Length == 4 ? remaining[3] : null;
        if (subresource is not (null or "log") || (subresource == "log" && resource != KubeResource.Pods))
        {
            return null;
        }

        return new KubeRoute(resource, remaining[0], remaining.Length >= 3 ? remaining[2] : null, subresource);
    }
}

internal sealed record KubeRoute(KubeResource Resource, string Namespace, string? Name, string? Subresource);
