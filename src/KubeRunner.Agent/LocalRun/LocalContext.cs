using System.ComponentModel;
using System.Diagnostics;
using Google.Protobuf.WellKnownTypes;

namespace KubeRunner.Agent.LocalRun;

/// <summary>What a local run tells its jobs about the repository, the event and who runs it.</summary>
internal sealed record LocalRunInfo(string Repository, string Sha, string Ref, string EventName, string EventJson, string Actor, string WorkflowFile)
{
    /// <summary>forgejo-runner exec's default for <c>--default-actions-url</c>.</summary>
    public const string DefaultActionsUrl = "https://code.forgejo.org";

    /// <summary>Where <c>owner/repo@ref</c> actions come from.</summary>
    public string ActionsUrl { get; init; } = DefaultActionsUrl;

    /// <summary>
    /// The task <c>context</c> of one job, with the keys Forgejo sends. There is no forge: no token,
    /// no server_url, and run_id/run_number are 1.
    /// </summary>
    public Struct Context(string jobId)
    {
        var refName = Ref.StartsWith("refs/heads/", StringComparison.Ordinal) ? Ref["refs/heads/".Length..]
            : Ref.StartsWith("refs/tags/", StringComparison.Ordinal) ? Ref["refs/tags/".Length..]
            : Ref;
        var context = new Struct();
        context.Fields.Add(new Dictionary<string, Value>(StringComparer.Ordinal)
        {
            ["event"] = Value.ForStruct(Struct.Parser.ParseJson(EventJson)),
            ["event_name"] = Value.ForString(EventName),
            ["repository"] = Value.ForString(Repository),
            ["repository_owner"] = Value.ForString(Repository.Split('/')[0]),
            ["sha"] = Value.ForString(Sha),
            ["ref"] = Value.ForString(Ref),
            ["ref_name"] = Value.ForString(refName),
            ["ref_type"] = Value.ForString(Ref.StartsWith("refs/tags/", StringComparison.Ordinal) ? "tag" : "branch"),
            ["actor"] = Value.ForString(Actor),
            ["triggering_actor"] = Value.ForString(Actor),
            ["workflow"] = Value.ForString(WorkflowFile),
            ["job"] = Value.ForString(jobId),
            ["run_id"] = Value.ForString("1"),
            ["run_number"] = Value.ForString("1"),
            ["run_attempt"] = Value.ForString("1"),
            ["server_url"] = Value.ForString(""),
            ["api_url"] = Value.ForString(""),
            ["token"] = Value.ForString(""),
            ["forgejo_default_actions_url"] = Value.ForString(ActionsUrl),
            ["gitea_default_actions_url"] = Value.ForString(ActionsUrl),
        });
        return context;
    }
}

/// <summary>Reads the repository facts of a local run from git, when the directory is a git checkout.</summary>
internal static class LocalGit
{
    /// <summary><c>owner/repo</c> of the <c>origin</c> remote, else <c>local/&lt;directory name&gt;</c>.</summary>
    public static string Repository(string directory) =>
        Git(directory, "remote", "get-url", "origin") is { } url && OwnerRepo(url) is { } repository
            ? repository
            : $"local/{Path.GetFileName(Path.TrimEndingDirectorySeparator(directory))}";

    public static string Sha(string directory) => Git(directory, "rev-parse", "HEAD") ?? "";

    /// <summary>The checked-out branch as <c>refs/heads/…</c>; empty on a detached head or outside git.</summary>
    public static string Ref(string directory) => Git(directory, "symbolic-ref", "-q", "HEAD") ?? "";

    /// <summary>
    /// The files git tracks or would track (untracked but not ignored), relative to the checkout; null
    /// outside a git checkout or without git, where the whole directory is copied.
    /// </summary>
    public static IReadOnlyList<string>? Files(string directory) =>
        Git(directory, trim: false, "ls-files", "-z", "--cached", "--others", "--exclude-standard") is { } listing
            ? listing.Split('\0', StringSplitOptions.RemoveEmptyEntries).Distinct(StringComparer.Ordinal).ToList()
            : null;

    /// <summary>The last two path parts of a remote URL: https://host/o/r.git, git@host:o/r, ssh://git@host:22/o/r.</summary>
    public static string? OwnerRepo(string url)
    {
        var parts = url.Trim().Split('/', ':').Where(p => p.Length > 0).ToArray();
        if (parts.Length < 2)
        {
            return null;
        }

        var repository = parts[^1].EndsWith(".git", StringComparison.Ordinal) ? parts[^1][..^4] : parts[^1];
        return repository.Length == 0 ? null : $"{parts[^2]}/{repository}";
    }

    private static string? Git(string directory, params string[] args) => Git(directory, trim: true, args);

    private static string? Git(string directory, bool trim, params string[] args)
    {
        var info = new ProcessStartInfo("git") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        info.ArgumentList.Add("-C");
        info.ArgumentList.Add(directory);
        foreach (var arg in args)
        {
            info.ArgumentList.Add(arg);
        }

        try
        {
            using var process = Process.Start(info);
            if (process is null)
            {
                return null;
            }

            var output = process.StandardOutput.ReadToEnd();
            output = trim ? output.Trim() : output;
            process.StandardError.ReadToEnd();
            process.WaitForExit();
            return process.ExitCode == 0 && output.Length > 0 ? output : null;
        }
        catch (Win32Exception)
        {
            // No git on this machine: the run goes on with the local defaults.
            return null;
        }
    }
}
