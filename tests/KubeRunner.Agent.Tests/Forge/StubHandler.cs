using System.Net;

namespace KubeRunner.Agent.Tests.Forge;

/// <summary>Answers every request with a canned response and keeps the requests, for client tests without a server.</summary>
internal sealed class StubHandler(Func<HttpRequestMessage, HttpResponseMessage> respond) : HttpMessageHandler
{
    public List<HttpRequestMessage> Requests { get; } = [];

    public List<byte[]> Bodies { get; } = [];

    public static StubHandler Answering(HttpStatusCode status, string contentType, byte[] body) =>
        new(_ =>
        {
            var content = new ByteArrayContent(body);
            content.Headers.TryAddWithoutValidation("Content-Type", contentType);
            return new HttpResponseMessage(status) { Content = content };
        });

    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        Requests.Add(request);
        Bodies.Add(request.Content is null ? [] : await request.Content.ReadAsByteArrayAsync(cancellationToken));
        var response = respond(request);
        response.RequestMessage = request;
        return response;
    }
}
