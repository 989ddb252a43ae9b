using System.Collections.Frozen;
using System.Globalization;
using KubeRunner.Agent.Configuration;
using KubeRunner.Workflow.Shells;

namespace KubeRunner.Agent.Backends.Docker.Spec;

/// <summary>The result of reading an options text: settings, flags left out (workflow options only), or why it cannot be used.</summary>
internal sealed record ParsedOptions(ContainerSettings Settings, IReadOnlyList<string> Ignored, string? Error);

/// <summary>
/// Reads <c>docker run</c>-style options text (split with shell quoting, as forgejo-runner does) into
/// <see cref="ContainerSettings"/>. A workflow's <c>options</c> may only use forgejo-runner's allow-list;
/// other <c>docker run</c> flags are left out and named, so the task log can say so. The operator's
/// options (<c>container.options</c>, <c>docker.profiles.*.options</c>) may use a wider set; any other
/// flag is refused, as are <c>--privileged</c> (the <c>privileged</c> key says that) and flags that are
/// not <c>docker run</c> flags at all.
/// </summary>
internal static class DockerRunOptions
{
    /// <summary>forgejo-runner's allow-list for workflow options (act/container/docker_run.go mergeJobOptions).</summary>
    public static FrozenSet<string> WorkflowFlags { get; } = FrozenSet.Create(StringComparer.Ordinal,
        "health-cmd", "health-interval", "health-timeout", "health-retries", "health-start-period", "no-healthcheck",
        "volume", "tmpfs", "memory", "hostname", "platform");

    /// <summary>What the operator may set; documented in config.example.yaml.</summary>
    public static FrozenSet<string> OperatorFlags { get; } = FrozenSet.Create(StringComparer.Ordinal,
        "health-cmd", "health-interval", "health-timeout", "health-retries", "health-start-period", "no-healthcheck",
        "volume", "tmpfs", "memory", "hostname", "platform", "cpus", "shm-size", "ulimit", "cap-add", "cap-drop",
        "security-opt", "env", "add-host", "dns", "user", "pids-limit");

    public static ParsedOptions ParseWorkflow(string? text) => Parse(text, operatorOptions: false);

    public static ParsedOptions ParseOperator(string? text) => Parse(text, operatorOptions: true);

    private static ParsedOptions Parse(string? text, bool operatorOptions)
    {
        var settings = new ContainerSettings();
        List<string> ignored = [];
        if (string.IsNullOrWhiteSpace(text))
        {
            return new ParsedOptions(settings, ignored, null);
        }

        if (ShellWords.TrySplit(text) is not { } words)
        {
            return new ParsedOptions(settings, ignored, $"cannot split '{text}' into words (a quote is not closed?)");
        }

        for (var i = 0; i < words.Count; i++)
        {
            if (!TryFlag(words, ref i, out var name, out var value, out var problem))
            {
                return new ParsedOptions(settings, ignored, problem);
            }

            var allowed = operatorOptions ? OperatorFlags : WorkflowFlags;
            if (name is "network" or "net")
            {
                // The runner chooses the network: forgejo-runner ignores this flag everywhere.
                ignored.Add($"--{name}");
            }
            else if (!allowed.Contains(name))
            {
                if (operatorOptions)
                {
                    return new ParsedOptions(settings, ignored, name == "privileged"
                        ? "--privileged is not allowed in options; set privileged: true instead"
                        : $"--{name} is not supported in options (supported: {string.Join(", ", OperatorFlags.Order(StringComparer.Ordinal).Select(f => "--" + f))})");
                }

                ignored.Add($"--{name}");
            }
            else if (Apply(settings, name, value) is { } invalid)
            {
                return new ParsedOptions(settings, ignored, invalid);
            }
        }

        return new ParsedOptions(settings, ignored, null);
    }

    /// <summary>Reads one flag and its value (<c>--name value</c>, <c>--name=value</c>, <c>-x value</c>, <c>-xvalue</c>).</summary>
    private static bool TryFlag(List<string> words, ref int i, out string name, out string value, out string? problem)
    {
        var word = words[i];
        name = "";
        value = "";
        problem = null;
        string? inline = null;
        if (word.StartsWith("--", StringComparison.Ordinal) && word.Length > 2)
        {
            var equals = word.IndexOf('=', StringComparison.Ordinal);
            name = equals > 0 ? word[2..equals] : word[2..];
            inline = equals > 0 ? word[(equals + 1)..] : null;
        }
        else if (word.Length >= 2 && word[0] == '-' && DockerRunFlags.Short.TryGetValue(word[1], out var longName))
        {
            name = longName;
            inline = word.Length > 2 ? word[2..].TrimStart('=') : null;
        }
        else
        {
            problem = word.StartsWith('-') ? $"{word} is not a docker run option" : $"'{word}' is not an option (options start with - or --)";
            return false;
        }

        if (!DockerRunFlags.Long.TryGetValue(name, out var takesValue))
        {
            problem = $"--{name} is not a docker run option";
            return false;
        }

        if (!takesValue)
        {
            // A switch may be written --flag=false; only its presence matters to the checks here.
            value = inline ?? "true";
            return true;
        }

        if (inline is not null)
        {
            value = inline;
            return true;
        }

        if (i + 1 >= words.Count)
        {
            problem = $"--{name} needs a value";
            return false;
        }

        value = words[++i];
        return true;
    }

    /// <returns>Null, or what is wrong with the value.</returns>
    private static string? Apply(ContainerSettings settings, string name, string value)
    {
        switch (name)
        {
            case "health-cmd":
                settings.HealthCmd = value;
                break;
            case "health-interval" or "health-timeout" or "health-start-period":
                if (!GoDuration.TryParse(value, out var duration) || duration < TimeSpan.Zero)
                {
                    return $"--{name} '{value}' is not a duration (e.g. 1s, 30s, 1m)";
                }

                if (name == "health-interval")
                {
                    settings.HealthInterval = duration;
                }
                else if (name == "health-timeout")
                {
                    settings.HealthTimeout = duration;
                }
                else
                {
                    settings.HealthStartPeriod = duration;
                }

                break;
            case "health-retries" or "pids-limit":
                if (!long.TryParse(value, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var number))
                {
                    return $"--{name} '{value}' is not a whole number";
                }

                if (name == "health-retries")
                {
                    settings.HealthRetries = number;
                }
                else
                {
                    settings.PidsLimit = number;
                }

                break;
            case "no-healthcheck":
                settings.NoHealthcheck = value != "false";
                break;
            case "volume":
                settings.Volumes.Add(value);
                break;
            case "tmpfs":
                var colon = value.IndexOf(':', StringComparison.Ordinal);
                settings.Tmpfs[colon < 0 ? value : value[..colon]] = colon < 0 ? "" : value[(colon + 1)..];
                break;
            case "memory" or "shm-size":
                if (!DockerSize.TryParse(value, out var bytes))
                {
                    return $"--{name} '{value}' is not a size ({DockerSize.Syntax})";
                }

                if (name == "memory")
                {
                    settings.Memory = bytes;
                    settings.MemoryText = value;
                }
                else
                {
                    settings.ShmSize = bytes;
                }

                break;
            case "cpus":
                if (!double.TryParse(value, NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out var cpus) || cpus <= 0)
                {
                    return $"--cpus '{value}' is not a positive number of CPUs (e.g. 2 or 1.5)";
                }

                settings.Cpus = cpus;
                break;
            case "hostname":
                settings.Hostname = value;
                break;
            case "platform":
                settings.Platform = value;
                break;
            case "user":
                settings.User = value;
                break;
            case "ulimit" when !ContainerParameters.IsUlimit(value):
                return $"--ulimit '{value}' is not name=soft[:hard] (e.g. nofile=1024:2048)";
            default:
                ListOf(settings, name).Add(value);
                break;
        }

        return null;
    }

    private static List<string> ListOf(ContainerSettings settings, string name) => name switch
    {
        "ulimit" => settings.Ulimits,
        "cap-add" => settings.CapAdd,
        "cap-drop" => settings.CapDrop,
        "security-opt" => settings.SecurityOpt,
        "env" => settings.Env,
        "add-host" => settings.AddHost,
        "dns" => settings.Dns,
        _ => throw new ArgumentOutOfRangeException(nameof(name), name, "not a list flag"),
    };
}
