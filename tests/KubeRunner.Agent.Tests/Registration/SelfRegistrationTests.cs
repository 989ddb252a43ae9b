using System.Text;
using KubeRunner.Agent.Backends.Kubernetes.Api;
using KubeRunner.Agent.Backends.Kubernetes.Spec;
using KubeRunner.Agent.Configuration;
using KubeRunner.Agent.Forge;
using KubeRunner.Agent.Labels;
using KubeRunner.Agent.Registration;
using KubeRunner.Testing;
using KubeRunner.Testing.FakeForge;
using KubeRunner.Testing.FakeKubernetes;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;

namespace KubeRunner.Agent.Tests.Registration;

/// <summary>A daemon that registers by itself, keeping its registration in a Secret of the fake API server.</summary>
public sealed class SelfRegistrationTests : IAsyncLifetime, IDisposable
{
    private const string Namespace = "runners";
    private const string SecretName = "kube-runner-runner";

    private readonly HttpClient _http = new();
    private readonly string _directory = Directory.CreateTempSubdirectory("kube-runner-registration-").FullName;
    private FakeForge _forge = null!;
    private FakeKubeApiServer _kube = null!;
    private KubernetesApi _api = null!;

    public async Task InitializeAsync()
    {
        _forge = await FakeForge.StartAsync();
        _kube = await FakeKubeApiServer.StartAsync();
        var kubeconfig = Path.Combine(_directory, "kubeconfig");
        await File.WriteAllTextAsync(kubeconfig, _kube.Kubeconfig(Namespace));
        _api = new KubernetesApi(new KubernetesOptions { Kubeconfig = kubeconfig }, TimeProvider.System);
    }

    public void Dispose()
    {
        _api.Dispose();
        _http.Dispose();
    }

    public async Task DisposeAsync()
    {
        await _kube.DisposeAsync();
        await _forge.DisposeAsync();
        Directory.Delete(_directory, recursive: true);
    }

    [Fact]
    public async Task EnsureAsync_NothingKept_RegistersOnceAndKeepsTheRunnerFileInTheSecret()
    {
        var token = _forge.AddRegistrationToken();

        var first = await SelfRegistration(token).EnsureAsync(_ => { }, CancellationToken.None);
        var again = await SelfRegistration(token).EnsureAsync(_ => { }, CancellationToken.None);

        var runner = Assert.Single(_forge.Runners);
        Assert.Equal(runner.Uuid, first.Uuid);
        Assert.Equal("heavy-agent", runner.Name);
        Assert.Equal(["heavy"], runner.Labels);
        Assert.Equal(first, again);
        var secret = _kube.GetSecret(Namespace, SecretName)!;
        Assert.Equal(RegistrationFile.Serialize(first), Encoding.UTF8.GetString(secret.Data[SecretRegistrationStore.Key]));
        // Not a task's label: a restarted agent deletes every Secret that has that one and no owner.
        Assert.DoesNotContain(KubernetesLabels.RunnerUuid, secret.Metadata.Labels.Keys);
        Assert.Equal(first.Uuid, secret.Metadata.Labels[KubernetesLabels.RegistrationOf]);
    }

    [Fact]
    public async Task EnsureAsync_TokenRefused_SaysWhyWhileWaitingAndRegistersOnceTheFileHoldsAGoodToken()
    {
        var time = new FakeTimeProvider(DateTimeOffset.UtcNow);
        var problems = new List<string?>();
        var refused = new TaskCompletionSource<string>(TaskCreationOptions.RunContinuationsAsynchronously);
        var registering = SelfRegistration("not-a-token", time).EnsureAsync(problem =>
        {
            lock (problems)
            {
                problems.Add(problem);
            }

            if (problem is not null)
            {
                refused.TrySetResult(problem);
            }
        }, CancellationToken.None);

        var message = await refused.Task.WaitAsync(TestTimeouts.Default);
        Assert.Contains($"refused the registration token in {TokenFile}", message, StringComparison.Ordinal);
        Assert.Empty(_forge.Runners);

        await File.WriteAllTextAsync(TokenFile, _forge.AddRegistrationToken() + "\n", CancellationToken.None);
        time.Advance(Agent.Registration.SelfRegistration.FirstPause);
        var registration = await registering.WaitAsync(TestTimeouts.Default);

        Assert.Equal(Assert.Single(_forge.Runners).Uuid, registration.Uuid);
        Assert.Null(problems[^1]);
    }

    [Fact]
    public async Task EnsureAsync_TokenFileMissing_NamesTheFile()
    {
        var refused = new TaskCompletionSource<string>(TaskCreationOptions.RunContinuationsAsynchronously);
        using var stop = new CancellationTokenSource();
        var registering = SelfRegistration(token: null).EnsureAsync(problem =>
        {
            if (problem is not null)
            {
                refused.TrySetResult(problem);
            }
        }, stop.Token);

        var message = await refused.Task.WaitAsync(TestTimeouts.Default);
        await stop.CancelAsync();

        Assert.StartsWith($"registration.token_file: cannot read {TokenFile}", message, StringComparison.Ordinal);
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => registering);
    }

    [Fact]
    public async Task AddAsync_AnotherAgentKeptOneFirst_ReturnsThatOne()
    {
        var store = new SecretRegistrationStore(_api, Namespace, SecretName);
        var theirs = new RunnerRegistration(1, "11111111-1111-1111-1111-111111111111", "a", "t1", "https://forge.example", ["heavy"]);
        await new SecretRegistrationStore(_api, Namespace, SecretName).AddAsync(theirs, CancellationToken.None);

        var kept = await store.AddAsync(theirs with { Id = 2, Uuid = "22222222-2222-2222-2222-222222222222", Token = "t2" }, CancellationToken.None);

        Assert.Equal(theirs, kept);
    }

    [Fact]
    public async Task SaveAsync_LabelsChanged_UpdatesTheSecretInPlace()
    {
        var store = new SecretRegistrationStore(_api, Namespace, SecretName);
        var registration = new RunnerRegistration(1, "11111111-1111-1111-1111-111111111111", "a", "t1", "https://forge.example", ["heavy"]);
        await store.AddAsync(registration, CancellationToken.None);
        var uid = _kube.GetSecret(Namespace, SecretName)!.Metadata.Uid;

        await store.SaveAsync(registration with { Labels = ["heavy", "light"] }, CancellationToken.None);
        var reloaded = await new SecretRegistrationStore(_api, Namespace, SecretName).LoadAsync(CancellationToken.None);

        Assert.Equal(["heavy", "light"], reloaded!.Labels);
        Assert.Equal(uid, _kube.GetSecret(Namespace, SecretName)!.Metadata.Uid);
        Assert.Equal(1, _kube.Requests.Count("update", "secrets"));
    }

    private string TokenFile => Path.Combine(_directory, "token");

    private SelfRegistration SelfRegistration(string? token, TimeProvider? time = null)
    {
        if (token is not null)
        {
            File.WriteAllText(TokenFile, token);
        }

        var options = new RegistrationOptions { Instance = _forge.Url.ToString(), TokenFile = TokenFile, Name = "heavy-agent", Secret = SecretName, Namespace = Namespace };
        var forge = new ForgeClient(_http, _forge.Url, credentials: null, TimeSpan.FromSeconds(30));
        return new SelfRegistration(options, new SecretRegistrationStore(_api, Namespace, SecretName), forge, new LabelSet(["heavy:kubernetes"]), "host",
            time ?? TimeProvider.System, NullLogger.Instance);
    }
}
