using System.Globalization;
using YamlDotNet.Core;
using YamlDotNet.Core.Events;

namespace KubeRunner.Agent.Configuration;

/// <summary>
/// Writes the effective configuration as config.yaml text for <c>kube-runner config show</c>: every
/// key of <see cref="ConfigSchema"/> with its effective value, secrets replaced by <c>"***"</c>. The
/// output loads back to the same values without warnings (deprecated keys are left out: their
/// effect is already in the keys that replace them).
/// </summary>
internal static class ConfigPrinter
{
    public const string Redacted = "***";

    // Environment names that usually carry credentials; matched as substrings, ignoring case.
    private static readonly string[] SecretNameParts = ["TOKEN", "SECRET", "PASSWORD", "PASSWD", "PRIVATE", "KEY", "CREDENTIAL"];

    public static string ToYaml(RunnerConfig config)
    {
        var writer = new StringWriter(CultureInfo.InvariantCulture) { NewLine = "\n" };
        var emitter = new Emitter(writer, new EmitterSettings().WithIndentedSequences());
        emitter.Emit(new StreamStart());
        emitter.Emit(new DocumentStart());
        emitter.Emit(new Comment($"Effective configuration; secrets are shown as \"{Redacted}\".", false));
        EmitSections(emitter, config, null);
        emitter.Emit(new DocumentEnd(isImplicit: true));
        emitter.Emit(new StreamEnd());
        return writer.ToString();
    }

    /// <summary>True when a job environment variable's value must not be shown.</summary>
    public static bool IsSecretName(string name) =>
        SecretNameParts.Any(part => name.Contains(part, StringComparison.OrdinalIgnoreCase));

    private static void EmitSections(Emitter emitter, RunnerConfig config, string? parentPath)
    {
        emitter.Emit(new MappingStart(AnchorName.Empty, TagName.Empty, true, MappingStyle.Block));
        foreach (var section in ConfigSchema.ChildSections(parentPath))
        {
            Plain(emitter, section.Name);
            EmitSection(emitter, config, section);
        }

        emitter.Emit(new MappingEnd());
    }

    private static void EmitSection(Emitter emitter, RunnerConfig config, ConfigSection section)
    {
        emitter.Emit(new MappingStart(AnchorName.Empty, TagName.Empty, true, MappingStyle.Block));
        foreach (var key in section.Keys.Where(key => !key.Deprecated))
        {
            Plain(emitter, key.Name);
            EmitValue(emitter, key, key.Read(config));
        }

        foreach (var child in ConfigSchema.ChildSections(section.Path))
        {
            Plain(emitter, child.Name);
            EmitSection(emitter, config, child);
        }

        emitter.Emit(new MappingEnd());
    }

    private static void EmitValue(Emitter emitter, ConfigKey key, object value)
    {
        switch (value)
        {
            case IReadOnlyDictionary<string, string> map:
                emitter.Emit(new MappingStart(AnchorName.Empty, TagName.Empty, true, map.Count == 0 ? MappingStyle.Flow : MappingStyle.Block));
                foreach (var (name, text) in map.OrderBy(entry => entry.Key, StringComparer.Ordinal))
                {
                    Text(emitter, name);
                    Text(emitter, IsSecretName(name) ? Redacted : text);
                }

                emitter.Emit(new MappingEnd());
                break;
            case IReadOnlyDictionary<string, DockerProfile> profiles:
                EmitProfiles(emitter, profiles);
                break;
            case IReadOnlyDictionary<string, KubernetesProfile> kubernetesProfiles:
                KubernetesProfilePrinter.Emit(emitter, kubernetesProfiles);
                break;
            case IReadOnlyList<string> list:
                emitter.Emit(new SequenceStart(AnchorName.Empty, TagName.Empty, true, list.Count == 0 ? SequenceStyle.Flow : SequenceStyle.Block));
                foreach (var item in list)
                {
                    Text(emitter, item);
                }

                emitter.Emit(new SequenceEnd());
                break;
            case string text:
                Text(emitter, key.Path == "cache.secret" && text.Length > 0 ? Redacted : text);
                break;
            case long bytes when key.Kind == ConfigValueKind.Size:
                Plain(emitter, ByteSize.Format(bytes));
                break;
            case TimeSpan duration:
                Plain(emitter, GoDuration.Format(duration));
                break;
            case bool flag:
                Plain(emitter, flag ? "true" : "false");
                break;
            default:
                Plain(emitter, System.Convert.ToString(value, CultureInfo.InvariantCulture) ?? "");
                break;
        }
    }

    private static void EmitProfiles(Emitter emitter, IReadOnlyDictionary<string, DockerProfile> profiles)
    {
        emitter.Emit(new MappingStart(AnchorName.Empty, TagName.Empty, true, profiles.Count == 0 ? MappingStyle.Flow : MappingStyle.Block));
        foreach (var (name, profile) in profiles.OrderBy(entry => entry.Key, StringComparer.Ordinal))
        {
            Text(emitter, name);
            emitter.Emit(new MappingStart(AnchorName.Empty, TagName.Empty, true, MappingStyle.Block));
            Plain(emitter, "image");
            Text(emitter, profile.Image);
            if (profile.Cpus is { } cpus)
            {
                Plain(emitter, "cpus");
                Plain(emitter, cpus.ToString(CultureInfo.InvariantCulture));
            }

            Plain(emitter, "memory");
            Text(emitter, profile.Memory);
            if (profile.Privileged is { } privileged)
            {
                Plain(emitter, "privileged");
                Plain(emitter, privileged ? "true" : "false");
            }

            if (profile.Network is { } network)
            {
                Plain(emitter, "network");
                Text(emitter, network);
            }

            Plain(emitter, "options");
            Text(emitter, profile.Options);
            emitter.Emit(new MappingEnd());
        }

        emitter.Emit(new MappingEnd());
    }

    private static void Plain(Emitter emitter, string value) =>
        emitter.Emit(new Scalar(AnchorName.Empty, TagName.Empty, value, ScalarStyle.Plain, true, false));

    // Strings are double-quoted when empty or when a plain scalar would read as something else
    // (true, 3, null, a comment...); the emitter decides the rest.
    private static void Text(Emitter emitter, string value)
    {
        var style = value.Length == 0 || value == Redacted || LooksTyped(value) ? ScalarStyle.DoubleQuoted : ScalarStyle.Any;
        emitter.Emit(new Scalar(AnchorName.Empty, TagName.Empty, value, style, true, true));
    }

    private static bool LooksTyped(string value) =>
        value.ToUpperInvariant() is "TRUE" or "FALSE" or "YES" or "NO" or "ON" or "OFF" or "NULL" or "~" ||
        double.TryParse(value, NumberStyles.Float, CultureInfo.InvariantCulture, out _);
}
