using System.Text;
using System.Text.RegularExpressions;

namespace KubeRunner.Agent.Backends.Docker.Spec;

/// <summary>
/// forgejo-runner's rules for what a job may mount: the source of each volume or bind must match a
/// <c>container.valid_volumes</c> glob (gobwas/glob syntax: <c>*</c> matches anything including
/// <c>/</c>, <c>?</c> one character, <c>[...]</c> a class, <c>{a,b}</c> alternatives); anonymous
/// volumes always pass, and the rest is dropped with a warning rather than failing the job.
/// The runner's own volumes and sockets are not checked.
/// </summary>
internal static class VolumeRules
{
    public const string DockerSocketInContainer = "/var/run/docker.sock";

    /// <summary>Splits <paramref name="volumes"/> into those allowed and the sources of those that are not.</summary>
    public static (List<string> Allowed, List<string> Dropped) Filter(IEnumerable<string> volumes, IReadOnlyList<string> validVolumes)
    {
        var globs = validVolumes.Where(v => v.Length > 0).Select(Compile).ToList();
        List<string> allowed = [], dropped = [];
        foreach (var volume in volumes)
        {
            var source = Source(volume);
            if (source.Length == 0 || globs.Any(glob => glob.IsMatch(source)))
            {
                allowed.Add(volume);
            }
            else
            {
                dropped.Add(source);
            }
        }

        return (allowed, dropped);
    }

    /// <summary>The volume name or host path of <c>source:target[:mode]</c>; empty for an anonymous <c>/target</c>.</summary>
    public static string Source(string volume)
    {
        var colon = volume.IndexOf(':', StringComparison.Ordinal);
        return colon < 0 ? "" : volume[..colon];
    }

    /// <summary>
    /// The host path of the Docker socket to mount at <see cref="DockerSocketInContainer"/> by
    /// <c>container.docker_host</c>: none for <c>-</c>, the daemon's own socket for <c>automount</c>,
    /// the path of a <c>unix://</c> URL; null also when the daemon is not reached through a unix socket.
    /// </summary>
    public static string? DockerSocket(string containerDockerHost, string daemonHost)
    {
        var host = containerDockerHost switch
        {
            "" or "-" => null,
            "automount" => daemonHost,
            _ => containerDockerHost,
        };
        return host is not null && host.StartsWith("unix://", StringComparison.Ordinal) ? host["unix://".Length..] : null;
    }

    public static Regex Compile(string glob)
    {
        var pattern = new StringBuilder("^");
        var inAlternatives = 0;
        for (var i = 0; i < glob.Length; i++)
        {
            var c = glob[i];
            switch (c)
            {
                case '*':
                    pattern.Append(".*");
                    break;
                case '?':
                    pattern.Append('.');
                    break;
                case '\\' when i + 1 < glob.Length:
                    pattern.Append(Regex.Escape(glob[++i].ToString()));
                    break;
                case '[':
                    var close = glob.IndexOf(']', i + 1);
                    if (close < 0)
                    {
                        pattern.Append(@"\[");
                        break;
                    }

                    var set = glob[(i + 1)..close];
                    pattern.Append('[').Append(set.StartsWith('!') ? "^" + set[1..].Replace("\\", @"\\", StringComparison.Ordinal) : set.Replace("\\", @"\\", StringComparison.Ordinal)).Append(']');
                    i = close;
                    break;
                case '{':
                    inAlternatives++;
                    pattern.Append("(?:");
                    break;
                case '}' when inAlternatives > 0:
                    inAlternatives--;
                    pattern.Append(')');
                    break;
                case ',' when inAlternatives > 0:
                    pattern.Append('|');
                    break;
                default:
                    pattern.Append(Regex.Escape(c.ToString()));
                    break;
            }
        }

        pattern.Append('$');
        return new Regex(pattern.ToString(), RegexOptions.CultureInvariant, TimeSpan.FromSeconds(1));
    }
}
