using System.Text;
using System.Text.RegularExpressions;
using k8s.Models;
using KubeRunner.Agent.Tests.TestSupport;
using KubeRunner.Testing.Chart;

namespace KubeRunner.Agent.Tests.EndToEnd.Chart;

/// <summary>
/// The agent's pod of the chart's Deployment, played on this machine: each volume is a directory
/// filled as the kubelet would fill it (ConfigMap and Secret keys from the rendered objects, emptyDirs
/// empty), its mount paths are mapped onto those directories in the arguments and in config.yaml, the
/// environment comes from the container's env (the downward API's namespace included), and the
/// process is the image's entrypoint, <c>kube-runner</c>, with the container's args.
/// </summary>
internal sealed class ChartPod : IDisposable
{
    private readonly string _root = Directory.CreateTempSubdirectory("kube-runner-pod-").FullName;
    private readonly ChartRendering _rendering;
    private readonly V1Container _container;
    private readonly V1PodSpec _spec;
    private readonly string _namespace;
    private readonly IReadOnlyDictionary<string, string> _serviceAccountFiles;
    private Dictionary<string, string> _mounts = [];

    /// <param name="serviceAccountFiles">
    /// What the kubelet puts in the service account's directory (<see cref="ServiceAccountDirectory"/>): in a
    /// cluster its token, with which the agent reaches the API server; here a kubeconfig for the fake one.
    /// </param>
    public ChartPod(ChartRendering rendering, IReadOnlyDictionary<string, string> serviceAccountFiles)
    {
        _rendering = rendering;
        _serviceAccountFiles = serviceAccountFiles;
        var deployment = rendering.Objects<V1Deployment>().Single();
        _namespace = deployment.Metadata.NamespaceProperty;
        _spec = deployment.Spec.Template.Spec;
        _container = _spec.Containers.Single(c => c.Name == "agent");
        Schedule();
    }

    public const string ServiceAccountDirectory = "/var/run/secrets/kubernetes.io/serviceaccount";

    /// <summary>The Deployment's agent container, as rendered.</summary>
    public V1Container Container => _container;

    /// <summary>
    /// As a new pod on another node: every volume made again from scratch, so that emptyDirs lose what
    /// the last pod wrote and only what is kept in the cluster (the registration Secret, the Jobs) remains.
    /// </summary>
    public void Schedule()
    {
        var pod = Path.Combine(_root, Guid.NewGuid().ToString("N"));
        var volumes = _spec.Volumes.ToDictionary(v => v.Name, v => Fill(v, Path.Combine(pod, v.Name)));
        _mounts = _container.VolumeMounts.ToDictionary(m => m.MountPath, m => m.SubPath is { Length: > 0 } sub ? Path.Combine(volumes[m.Name], sub) : volumes[m.Name]);
        Assert.NotEqual(false, _spec.AutomountServiceAccountToken);
        var serviceAccount = Directory.CreateDirectory(Path.Combine(pod, "serviceaccount")).FullName;
        foreach (var (name, content) in _serviceAccountFiles)
        {
            File.WriteAllText(Path.Combine(serviceAccount, name), content);
        }

        _mounts[ServiceAccountDirectory] = serviceAccount;
        // config.yaml names files by their paths in the container: the same files, here.
        foreach (var file in Directory.EnumerateFiles(pod, "*.yaml", SearchOption.AllDirectories))
        {
            File.WriteAllText(file, Map(File.ReadAllText(file)));
        }
    }

    /// <summary>Starts the container's process.</summary>
    public AgentProcess Start()
    {
        Assert.Null(_container.Command);
        var environment = _container.Env.ToDictionary(e => e.Name, Value);
        // What the image sets: its user's HOME is the data directory (the container overrides it anyway).
        var home = environment.TryGetValue("HOME", out var mappedHome) ? mappedHome : _root;
        return AgentProcess.Start(home, environment, [.. _container.Args.Select(Map)]);
    }

    /// <summary>A path or a text naming paths of the container, with each mount path replaced by its directory here.</summary>
    public string Map(string text)
    {
        // One pass, so that a directory put in (under /tmp) is not mapped again by the /tmp mount; the
        // longest mount path first, so that /etc/kube-runner/token wins over /etc/kube-runner.
        var paths = string.Join('|', _mounts.Keys.OrderByDescending(k => k.Length).Select(Regex.Escape));
        return Regex.Replace(text, $@"(?<![\w/.-])({paths})(?=/|$|[\s""',\]])", m => _mounts[m.Value], RegexOptions.Multiline);
    }

    public void Dispose() => Directory.Delete(_root, recursive: true);

    private string Value(V1EnvVar variable) => variable switch
    {
        { Value: { } value } => Map(value),
        { ValueFrom.FieldRef.FieldPath: "metadata.namespace" } => _namespace,
        _ => throw new NotSupportedException($"the test's pod cannot set {variable.Name} from {variable.ValueFrom}"),
    };

    private string Fill(V1Volume volume, string directory)
    {
        Directory.CreateDirectory(directory);
        if (volume.ConfigMap is { } configMap)
        {
            WriteItems(directory, ConfigMapData(configMap.Name), configMap.Items);
        }
        else if (volume.Secret is { } secret)
        {
            WriteItems(directory, SecretData(secret.SecretName), secret.Items);
        }
        else if (volume.Projected is { } projected)
        {
            foreach (var source in projected.Sources)
            {
                WriteItems(directory, source.ConfigMap is { } c ? ConfigMapData(c.Name) : SecretData(source.Secret.Name),
                    source.ConfigMap?.Items ?? source.Secret.Items);
            }
        }
        else if (volume.EmptyDir is null)
        {
            throw new NotSupportedException($"the test's pod cannot make volume {volume.Name}");
        }

        return directory;
    }

    private Dictionary<string, byte[]> ConfigMapData(string name) =>
        _rendering.Named<V1ConfigMap>(name).Data.ToDictionary(d => d.Key, d => Encoding.UTF8.GetBytes(d.Value));

    // A Secret the chart does not make (registration.existingSecret) is not the test's case.
    private Dictionary<string, byte[]> SecretData(string name)
    {
        var secret = _rendering.Named<V1Secret>(name);
        return secret.Data?.ToDictionary(d => d.Key, d => d.Value)
            ?? secret.StringData.ToDictionary(d => d.Key, d => Encoding.UTF8.GetBytes(d.Value));
    }

    private static void WriteItems(string directory, Dictionary<string, byte[]> data, IList<V1KeyToPath>? items)
    {
        foreach (var (key, path) in items?.Select(i => (i.Key, i.Path)) ?? data.Keys.Select(k => (k, k)))
        {
            var file = Path.Combine(directory, path);
            Directory.CreateDirectory(Path.GetDirectoryName(file)!);
            File.WriteAllBytes(file, data[key]);
        }
    }
}
