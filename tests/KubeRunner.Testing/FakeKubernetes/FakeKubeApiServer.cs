using System.Net;
using System.Security.Cryptography;
using k8s;
using k8s.Models;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Server.Kestrel.Core;

namespace KubeRunner.Testing.FakeKubernetes;

/// <summary>
/// An in-process Kubernetes API server on 127.0.0.1 with a random port, serving real Kubernetes JSON
/// for the namespaced subset the backend uses: Jobs, Pods, Secrets, Events and PodDisruptionBudgets
/// (create, get, list, watch, delete), pod logs, and a Job controller. Every object it receives is
/// read strictly, so an unknown field fails the request with the field named. Pods do nothing by
/// themselves unless an <see cref="IPodRunner"/> runs them; tests script their states instead.
/// </summary>
public sealed partial class FakeKubeApiServer : IAsyncDisposable
{
    private const string NameAlphabet = "bcdfghjklmnpqrstvwxz2456789";

    private readonly WebApplication _app;
    private readonly CancellationTokenSource _shutdown;
    private readonly PodLogs _logs = new();

    private FakeKubeApiServer(WebApplication app, CancellationTokenSource shutdown, FakeKubeOptions options)
    {
        _app = app;
        _shutdown = shutdown;
        Options = options;
        Store = new KubeStore(options.HistoryLimit);
        Jobs = new JobController(this, options.TimeProvider);
        PodRunner = options.PodRunner ?? new ScriptedPodRunner();
    }

    /// <summary>The API server URL, e.g. <c>http://127.0.0.1:43211</c>, for <c>KubernetesClientConfiguration.Host</c>.</summary>
    public string Url { get; private set; } = "";

    public KubeRequestLog Requests { get; } = new();

    public KubeCreationLog Creations { get; } = new();

    internal FakeKubeOptions Options { get; }

    internal KubeStore Store { get; }

    internal JobController Jobs { get; }

    internal IPodRunner PodRunner { get; }

    internal PodLogs Logs => _logs;

    internal CancellationToken ShutdownToken => _shutdown.Token;

    public static async Task<FakeKubeApiServer> StartAsync(FakeKubeOptions? options = null)
    {
        options ??= new FakeKubeOptions();
        var shutdown = new CancellationTokenSource();
        var builder = WebApplication.CreateEmptyBuilder(new WebApplicationOptions());
        builder.WebHost.UseKestrelCore().ConfigureKestrel(kestrel =>
        {
            kestrel.AddServerHeader = false;
            kestrel.Listen(IPAddress.Loopback, 0, listen => listen.Protocols = HttpProtocols.Http1);
        });
        var app = builder.Build();
        var server = new FakeKubeApiServer(app, shutdown, options);
        var handler = new KubeApiHandler(server);
        app.Run(handler.HandleAsync);
        await app.StartAsync();
        var address = LoopbackApp.BoundAddress(app);
        server.Url = $"http://127.0.0.1:{address.Port}";
        return server;
    }

    /// <summary>A client of the real KubernetesClient library pointed at this server.</summary>
    public Kubernetes CreateClient() => new(new KubernetesClientConfiguration { Host = Url });

    /// <summary>A kubeconfig for this server as kubectl writes one (no TLS), for a client that reads its configuration from a file.</summary>
    /// <param name="ns">The context's default namespace.</param>
    public string Kubeconfig(string ns) => $"""
        apiVersion: v1
        kind: Config
        clusters:
        - name: fake
          cluster:
            server: {Url}
        users:
        - name: runner
          user:
            token: test-token
        contexts:
        - name: fake
          context:
            cluster: fake
            user: runner
            namespace: {ns}
        current-context: fake

        """;

    public async ValueTask DisposeAsync() => await LoopbackApp.StopAsync(_app, _shutdown);

    /// <summary>Stores a new object as the API server would: name from generateName, uid, resourceVersion, creationTimestamp.</summary>
    internal T CreateObject<T>(KubeResource resource, T item)
        where T : IKubernetesObject<V1ObjectMeta>
    {
        var meta = item.Metadata ?? throw KubeApiException.Invalid(resource, "", "metadata: Required value");
        if (string.IsNullOrEmpty(meta.Name))
        {
            if (string.IsNullOrEmpty(meta.GenerateName))
            {
                throw KubeApiException.Invalid(resource, "", "metadata.name: Required value: name or generateName is required");
            }

            meta.Name = meta.GenerateName + RandomNameSuffix();
        }

        item.ApiVersion = resource.ApiVersion;
        item.Kind = resource.Kind;
        meta.Uid = Guid.NewGuid().ToString();
        var now = Options.TimeProvider.GetUtcNow().UtcDateTime;
        meta.CreationTimestamp = now.AddTicks(-(now.Ticks % TimeSpan.TicksPerSecond));
        if (item is V1Job job)
        {
            JobController.Default(job);
        }
        else if (item is V1Secret { StringData.Count: > 0 } secret)
        {
            // As the API server does: stringData is write-only, folded into data (and wins over it).
            secret.Data ??= new Dictionary<string, byte[]>();
            foreach (var (key, value) in secret.StringData)
            {
                secret.Data[key] = System.Text.Encoding.UTF8.GetBytes(value);
            }

            secret.StringData = null;
        }

        var created = Store.Create(resource, item);
        // Before the Job controller reacts, so that a Job's entry precedes its pod's.
        Creations.Add(new KubeCreation(resource.Plural, created.Metadata.NamespaceProperty, created.Metadata.Name, Options.TimeProvider.GetUtcNow()));
        if (created is V1Job createdJob)
        {
            Jobs.JobCreated(createdJob);
        }
        else if (created is V1Pod pod)
        {
            _ = PodRunner.PodCreatedAsync(this, pod, _shutdown.Token);
        }

        return created;
    }

    /// <summary>
    /// Deletes an object with the garbage collector's rules: dependents (by ownerReferences) go too
    /// unless the policy is Orphan, in which case they lose the owner reference. Jobs default to
    /// Orphan through the API, as in Kubernetes, so a caller must ask for propagation explicitly.
    /// </summary>
    internal IKubernetesObject<V1ObjectMeta> DeleteObject(KubeResource resource, string ns, string name, V1DeleteOptions? options)
    {
        var policy = options?.PropagationPolicy
            ?? (options?.OrphanDependents is { } orphan ? (orphan ? "Orphan" : "Background") : null)
            ?? (resource == KubeResource.Jobs ? "Orphan" : "Background");
        if (policy is not ("Orphan" or "Background" or "Foreground"))
        {
            throw KubeApiException.BadRequest($"propagationPolicy: Unsupported value: \"{policy}\": supported values: \"Foreground\", \"Background\", \"Orphan\"");
        }

        var deleted = Store.Delete(resource, ns, name, stored => CheckPreconditions(resource, stored, options?.Preconditions));
        foreach (var dependent in Store.Dependents(ns, deleted.Metadata.Uid))
        {
            var dependentResource = KubeResource.Of(dependent);
            if (policy == "Orphan")
            {
                Store.Update<IKubernetesObject<V1ObjectMeta>>(dependentResource, ns, dependent.Metadata.Name, d =>
                    d.Metadata.OwnerReferences = d.Metadata.OwnerReferences.Where(o => o.Uid != deleted.Metadata.Uid).ToList());
            }
            else
            {
                DeleteObject(dependentResource, ns, dependent.Metadata.Name, new V1DeleteOptions { PropagationPolicy = "Background" });
            }
        }

        if (deleted is V1Pod pod)
        {
            _ = PodRunner.PodDeletedAsync(this, pod, _shutdown.Token);
        }

        return deleted;
    }

    private static void CheckPreconditions(KubeResource resource, IKubernetesObject<V1ObjectMeta> stored, V1Preconditions? preconditions)
    {
        if (preconditions?.Uid is { } uid && uid != stored.Metadata.Uid)
        {
            throw new KubeApiException(HttpStatusCode.Conflict, "Conflict",
                $"Operation cannot be fulfilled on {resource.QualifiedName} \"{stored.Metadata.Name}\": Precondition failed: UID in precondition: {uid}, UID in object meta: {stored.Metadata.Uid}");
        }

        if (preconditions?.ResourceVersion is { } version && version != stored.Metadata.ResourceVersion)
        {
            throw new KubeApiException(HttpStatusCode.Conflict, "Conflict",
                $"Operation cannot be fulfilled on {resource.QualifiedName} \"{stored.Metadata.Name}\": Precondition failed: ResourceVersion in precondition: {version}, ResourceVersion in object meta: {stored.Metadata.ResourceVersion}");
        }
    }

    private static string RandomNameSuffix() =>
        new(Enumerable.Range(0, 5).Select(_ => NameAlphabet[RandomNumberGenerator.GetInt32(NameAlphabet.Length)]).ToArray());
}
