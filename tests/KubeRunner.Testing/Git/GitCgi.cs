using System.Text;
using Microsoft.AspNetCore.Http;

namespace KubeRunner.Testing.Git;

/// <summary>
/// Serves git's smart HTTP protocol by running git's own CGI program, <c>git http-backend</c>, for
/// each request: the request becomes CGI variables and standard input, the program's output becomes
/// the response (CGI headers, a blank line, the body).
/// </summary>
internal static class GitCgi
{
    public static async Task RunAsync(HttpContext context, string projectRoot, string pathInfo, CancellationToken cancellationToken)
    {
        var request = context.Request;
        var environment = new Dictionary<string, string>(StringComparer.Ordinal)
        {
            ["GIT_PROJECT_ROOT"] = projectRoot,
            ["GIT_HTTP_EXPORT_ALL"] = "1",
            ["PATH_INFO"] = pathInfo,
            ["QUERY_STRING"] = request.QueryString.HasValue ? request.QueryString.Value![1..] : "",
            ["REQUEST_METHOD"] = request.Method,
            ["CONTENT_TYPE"] = request.ContentType ?? "",
            ["REMOTE_ADDR"] = "127.0.0.1",
            ["GATEWAY_INTERFACE"] = "CGI/1.1",
        };
        if (request.ContentLength is { } length)
        {
            environment["CONTENT_LENGTH"] = length.ToString(System.Globalization.CultureInfo.InvariantCulture);
        }

        // Git-Protocol (for protocol v2) and Content-Encoding (gzipped requests) reach the program as
        // HTTP_* variables, as CGI passes every request header.
        foreach (var (name, values) in request.Headers)
        {
            if (!name.Equals("Content-Type", StringComparison.OrdinalIgnoreCase) && !name.Equals("Content-Length", StringComparison.OrdinalIgnoreCase))
            {
                environment["HTTP_" + name.ToUpperInvariant().Replace('-', '_')] = values.ToString();
            }
        }

        var backend = Path.Combine(await GitTool.ExecPathAsync(), "git-http-backend");
        using var process = GitTool.Start(backend, [], environment);
        try
        {
            var feed = FeedAsync(request.Body, process.StandardInput.BaseStream, cancellationToken);
            var errors = process.StandardError.ReadToEndAsync(cancellationToken);
            var output = new BufferedStream(process.StandardOutput.BaseStream);
            await CopyHeadersAsync(output, context.Response, cancellationToken);
            await output.CopyToAsync(context.Response.Body, cancellationToken);
            await feed;
            await process.WaitForExitAsync(cancellationToken);
            await errors;
        }
        catch (OperationCanceledException)
        {
            // The client went away or the server stops: end the program this request started.
            process.Kill(entireProcessTree: true);
            throw;
        }
    }

    private static async Task FeedAsync(Stream body, Stream stdin, CancellationToken cancellationToken)
    {
        await using (stdin)
        {
            await body.CopyToAsync(stdin, cancellationToken);
        }
    }

    private static async Task CopyHeadersAsync(Stream output, HttpResponse response, CancellationToken cancellationToken)
    {
        response.StatusCode = StatusCodes.Status200OK;
        while (await ReadLineAsync(output, cancellationToken) is { Length: > 0 } line)
        {
            var colon = line.IndexOf(':', StringComparison.Ordinal);
            if (colon <= 0)
            {
                continue;
            }

            var name = line[..colon].Trim();
            var value = line[(colon + 1)..].Trim();
            if (name.Equals("Status", StringComparison.OrdinalIgnoreCase))
            {
                // "Status: 404 Not Found"
                response.StatusCode = int.Parse(value.Split(' ')[0], System.Globalization.CultureInfo.InvariantCulture);
            }
            else
            {
                response.Headers.Append(name, value);
            }
        }
    }

    // CGI header lines end in LF or CRLF; an empty line (or the end of the output) ends the headers.
    private static async Task<string> ReadLineAsync(Stream output, CancellationToken cancellationToken)
    {
        var line = new StringBuilder();
        var one = new byte[1];
        while (await output.ReadAsync(one, cancellationToken) == 1 && one[0] != '\n')
        {
            if (one[0] != '\r')
            {
                line.Append((char)one[0]);
            }
        }

        return line.ToString();
    }
}
