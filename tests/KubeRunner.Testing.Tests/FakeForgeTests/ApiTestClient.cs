using System.Net.Http.Headers;
using System.Text.Json;

namespace KubeRunner.Testing.Tests.FakeForgeTests;

/// <summary>A plain HTTP client for the fake's <c>/api/v1</c>, as a standby or curl would call it.</summary>
internal sealed class ApiTestClient(Forge forge) : IDisposable
{
    private readonly HttpClient _http = new(forge.CreateHttpHandler()) { BaseAddress = forge.Url, Timeout = TimeSpan.FromSeconds(10) };

    /// <param name="path">Relative to the instance, e.g. <c>api/v1/admin/actions/runners/jobs?labels=a</c>.</param>
    /// <param name="scheme"><c>token</c> or <c>Bearer</c>.</param>
    public async Task<ApiReply> GetAsync(string path, string? token = null, string scheme = "token", HttpMethod? method = null)
    {
        using var request = new HttpRequestMessage(method ?? HttpMethod.Get, path);
        if (token is not null)
        {
            request.Headers.Authorization = new AuthenticationHeaderValue(scheme, token);
        }

        using var response = await _http.SendAsync(request);
        var body = await response.Content.ReadAsStringAsync();
        var total = response.Headers.TryGetValues("X-Total-Count", out var values) ? int.Parse(values.First(), System.Globalization.CultureInfo.InvariantCulture) : (int?)null;
        return new ApiReply((int)response.StatusCode, body, total);
    }

    public void Dispose() => _http.Dispose();
}

internal sealed record ApiReply(int Status, string Body, int? TotalCount)
{
    public JsonElement Json => JsonDocument.Parse(Body).RootElement.Clone();

    /// <summary>The items of a list answer; Forgejo sends null for an empty jobs list.</summary>
    public IReadOnlyList<JsonElement> Items => Json.ValueKind == JsonValueKind.Null ? [] : [.. Json.EnumerateArray()];

    public IReadOnlyList<long> Ids => [.. Items.Select(i => i.GetProperty("id").GetInt64())];
}
