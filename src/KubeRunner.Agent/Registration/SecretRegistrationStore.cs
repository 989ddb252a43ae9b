using System.Text;
using System.Text.Json;
using k8s.Models;
using KubeRunner.Agent.Backends.Kubernetes.Api;
using KubeRunner.Agent.Backends.Kubernetes.Spec;
using KubeRunner.Agent.Configuration;

namespace KubeRunner.Agent.Registration;

/// <summary>
/// The <c>.runner</c> content kept in a Kubernetes Secret (key <c>.runner</c>, the file's exact text), so
/// that an agent pod that is restarted or rescheduled to another node keeps its identity and never
/// registers again. The agent creates the Secret and owns it; the chart only grants get, create and update.
/// </summary>
internal sealed class SecretRegistrationStore(KubernetesApi api, string ns, string name) : IRegistrationStore
{
    public const string Key = ".runner";

    private V1Secret? _loaded;

    public string Describe => $"Secret {ns}/{name}";

    public async Task<RunnerRegistration?> LoadAsync(CancellationToken cancellationToken)
    {
        _loaded = await api.TryReadSecretAsync(ns, name, cancellationToken);
        return _loaded is null ? null : Parse(_loaded);
    }

    public async Task<RunnerRegistration> AddAsync(RunnerRegistration registration, CancellationToken cancellationToken)
    {
        var secret = new V1Secret
        {
            Metadata = new V1ObjectMeta
            {
                Name = name,
                NamespaceProperty = ns,
                Labels = new Dictionary<string, string>
                {
                    [KubernetesLabels.ManagedBy] = KubernetesLabels.ManagedByValue,
                    [KubernetesLabels.RegistrationOf] = KubernetesNames.ToLabelValue(registration.Uuid),
                },
            },
            Type = "Opaque",
            Data = new Dictionary<string, byte[]> { [Key] = Encoding.UTF8.GetBytes(RegistrationFile.Serialize(registration)) },
        };
        try
        {
            _loaded = await api.CreateSecretOrConflictAsync(secret, cancellationToken);
            return registration;
        }
        catch (KubernetesApiException e) when (e.IsConflict)
        {
            // Another agent of this runner kept its registration first; all of them take that one.
            return await LoadAsync(cancellationToken) ?? throw new KubernetesApiException($"{Describe} was there, then gone; start the agent again", e.StatusCode, e);
        }
    }

    public async Task SaveAsync(RunnerRegistration registration, CancellationToken cancellationToken)
    {
        var secret = _loaded ?? throw new InvalidOperationException("the registration is saved after it was loaded or added");
        if (Parse(secret) == registration)
        {
            return;
        }

        secret.Data ??= new Dictionary<string, byte[]>();
        secret.Data[Key] = Encoding.UTF8.GetBytes(RegistrationFile.Serialize(registration));
        _loaded = await api.ReplaceSecretAsync(secret, cancellationToken);
    }

    private RunnerRegistration Parse(V1Secret secret)
    {
        if (secret.Data?.TryGetValue(Key, out var bytes) != true || bytes is null)
        {
            throw new RegistrationFileException($"{Describe} has no key {Key}; delete the Secret and the agent registers again");
        }

        try
        {
            return RegistrationJson.Parse(Encoding.UTF8.GetString(bytes));
        }
        catch (Exception e) when (e is JsonException or FormatException)
        {
            throw new RegistrationFileException($"{Describe}: {Key} is not a registration ({e.Message}); delete the Secret and the agent registers again", e);
        }
    }
}
