using System.Net;
using k8s;
using k8s.Autorest;
using k8s.Models;
using KubeRunner.Testing.FakeKubernetes;

namespace KubeRunner.Testing.Tests.FakeKubernetes;

/// <summary>Requests the fake refuses on a test's request, answered as a real API server answers them.</summary>
public sealed class FakeKubeFaultTests : IAsyncLifetime
{
    private const string Ns = "ci";
    private FakeKubeApiServer _fake = null!;
    private Kubernetes _client = null!;

    public async Task InitializeAsync()
    {
        _fake = await FakeKubeApiServer.StartAsync();
        _client = _fake.CreateClient();
    }

    public async Task DisposeAsync()
    {
        _client.Dispose();
        await _fake.DisposeAsync();
    }

    [Fact]
    public async Task FailNext_TwiceOnCreateJobs_AnswersTwoStatusObjectsThenCreates()
    {
        _fake.FailNext("create", "jobs", 503, "the server is currently unable to handle the request", times: 2);
        var job = FakeKubeTestJobs.NewJob();
        job.Metadata.GenerateName = null;
        job.Metadata.Name = "task-1";

        var first = await Assert.ThrowsAsync<HttpOperationException>(() => _client.BatchV1.CreateNamespacedJobAsync(job, Ns));
        await Assert.ThrowsAsync<HttpOperationException>(() => _client.BatchV1.CreateNamespacedJobAsync(job, Ns));
        var created = await _client.BatchV1.CreateNamespacedJobAsync(job, Ns);

        Assert.Equal(HttpStatusCode.ServiceUnavailable, first.Response.StatusCode);
        var status = KubeStrictJson.Read<V1Status>(first.Response.Content);
        Assert.Equal(("Failure", "ServiceUnavailable", 503, "the server is currently unable to handle the request"), (status.Status, status.Reason, status.Code, status.Message));
        Assert.Equal(("batch", "jobs"), (status.Details.Group, status.Details.Kind));
        Assert.Equal("task-1", created.Metadata.Name);
        Assert.Single(_fake.PodsOfJob(Ns, "task-1"));
        // The refused creates did not store anything, and the log names them as the served one.
        Assert.Equal(["create jobs task-1 503", "create jobs task-1 503", "create jobs task-1 201"],
            _fake.Requests.All.Select(r => $"{r.Verb} {r.Resource} {r.Name} {r.StatusCode}"));
    }

    [Fact]
    public async Task FailNext_OnCreateJobs_LeavesOtherVerbsAndResourcesServed()
    {
        const string message = "jobs.batch is forbidden: User \"system:serviceaccount:ci:kube-runner\" cannot create resource \"jobs\"";
        _fake.FailNext("create", "jobs", 403, message);

        await _client.CoreV1.CreateNamespacedSecretAsync(new V1Secret { Metadata = new V1ObjectMeta { Name = "s" } }, Ns);
        await _client.BatchV1.ListNamespacedJobAsync(Ns);
        var refused = await Assert.ThrowsAsync<HttpOperationException>(() => _client.BatchV1.CreateNamespacedJobAsync(FakeKubeTestJobs.NewJob(), Ns));
        await _client.BatchV1.CreateNamespacedJobAsync(FakeKubeTestJobs.NewJob(), Ns);

        var status = KubeStrictJson.Read<V1Status>(refused.Response.Content);
        Assert.Equal((HttpStatusCode.Forbidden, "Forbidden", message), (refused.Response.StatusCode, status.Reason, status.Message));
        Assert.Equal(["create secrets 201", "list jobs 200", "create jobs 403", "create jobs 201"],
            _fake.Requests.All.Select(r => $"{r.Verb} {r.Resource} {r.StatusCode}"));
        Assert.Single((await _client.BatchV1.ListNamespacedJobAsync(Ns)).Items);
    }

    [Fact]
    public async Task FailNext_OnGet_AnswersTheStatusEvenForAMissingObject()
    {
        _fake.FailNext("get", "pods/log", 500, "etcdserver: leader changed");

        var error = await Assert.ThrowsAsync<HttpOperationException>(() => _client.CoreV1.ReadNamespacedPodLogAsync("nope", Ns, container: "job"));

        var status = KubeStrictJson.Read<V1Status>(error.Response.Content);
        Assert.Equal((HttpStatusCode.InternalServerError, "InternalError", "etcdserver: leader changed"), (error.Response.StatusCode, status.Reason, status.Message));
        Assert.Equal("get pods/log 500", _fake.Requests.All.Select(r => $"{r.Verb} {r.Resource} {r.StatusCode}").Single());
    }

    [Theory]
    [InlineData(200, 1)]
    [InlineData(399, 1)]
    [InlineData(600, 1)]
    [InlineData(503, 0)]
    public void FailNext_NotAFailureOrNoTimes_Throws(int statusCode, int times) =>
        Assert.Throws<ArgumentOutOfRangeException>(() => _fake.FailNext("create", "jobs", statusCode, "x", times));
}
