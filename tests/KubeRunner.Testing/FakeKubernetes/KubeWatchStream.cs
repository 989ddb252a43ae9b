using System.Text;
using k8s;
using k8s.Models;
using Microsoft.AspNetCore.Http;

namespace KubeRunner.Testing.FakeKubernetes;

/// <summary>
/// Answers <c>?watch=true</c>: newline-separated <c>{"type":…,"object":…}</c> events from the
/// requested resourceVersion, BOOKMARKs when asked, and an ERROR event with a 410 Status when the
/// version has left the history (the client must then list again).
/// </summary>
internal sealed class KubeWatchStream(FakeKubeApiServer server, KubeResource resource, string ns)
{
    public async Task RunAsync(HttpContext context)
    {
        var query = context.Request.Query;
        var filter = KubeSelector.Parse(query["labelSelector"], query["fieldSelector"]);
        var bookmarks = query["allowWatchBookmarks"] == "true";
        var timeout = int.TryParse(query["timeoutSeconds"], System.Globalization.CultureInfo.InvariantCulture, out var seconds) && seconds > 0
            ? TimeSpan.FromSeconds(seconds) : Timeout.InfiniteTimeSpan;

        context.Response.StatusCode = StatusCodes.Status200OK;
        context.Response.ContentType = "application/json";
        KubeWatch watch;
        try
        {
            watch = server.Store.Watch(resource, ns, filter, query["resourceVersion"]);
        }
        catch (KubeApiException e) when (e.Code == System.Net.HttpStatusCode.Gone)
        {
            // The API server answers an expired watch with 200 and a single ERROR event.
            await WriteEventAsync(context, "ERROR", e.ToStatus());
            return;
        }

        using (watch)
        using (var stop = CancellationTokenSource.CreateLinkedTokenSource(context.RequestAborted, server.ShutdownToken))
        {
            if (timeout != Timeout.InfiniteTimeSpan)
            {
                stop.CancelAfter(timeout);
            }

            await PumpAsync(context, watch, bookmarks, stop.Token);
        }
    }

    private async Task PumpAsync(HttpContext context, KubeWatch watch, bool bookmarks, CancellationToken stop)
    {
        try
        {
            // Drains what the replay queued, then marks the point reached with a bookmark.
            while (watch.Changes.TryRead(out var replayed))
            {
                await WriteEventAsync(context, replayed.Type, replayed.Object);
            }

            if (bookmarks)
            {
                await WriteBookmarkAsync(context);
            }

            await context.Response.Body.FlushAsync(stop);
            while (true)
            {
                var next = watch.Changes.WaitToReadAsync(stop).AsTask();
                while (bookmarks && await Task.WhenAny(next, Task.Delay(server.Options.BookmarkInterval, server.Options.TimeProvider, stop)) != next)
                {
                    await WriteBookmarkAsync(context);
                }

                if (!await next)
                {
                    return;
                }

                while (watch.Changes.TryRead(out var change))
                {
                    await WriteEventAsync(context, change.Type, change.Object);
                }
            }
        }
        catch (OperationCanceledException)
        {
            // The client went away, the timeout ran out or the server stops: the stream simply ends.
        }
    }

    private async Task WriteBookmarkAsync(HttpContext context)
    {
        var marker = (IKubernetesObject<V1ObjectMeta>)Activator.CreateInstance(resource.ItemType)!;
        marker.ApiVersion = resource.ApiVersion;
        marker.Kind = resource.Kind;
        marker.Metadata = new V1ObjectMeta { ResourceVersion = server.Store.ResourceVersion.ToString(System.Globalization.CultureInfo.InvariantCulture) };
        await WriteEventAsync(context, "BOOKMARK", marker);
    }

    private static async Task WriteEventAsync(HttpContext context, string type, object item)
    {
        var line = $"{{\"type\":\"{type}\",\"object\":{KubeApiHandler.ToJson(item)}}}\n";
        await context.Response.Body.WriteAsync(Encoding.UTF8.GetBytes(line));
        await context.Response.Body.FlushAsync();
    }
}
