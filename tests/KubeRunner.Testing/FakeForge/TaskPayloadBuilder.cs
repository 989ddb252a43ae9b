using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Google.Protobuf;
using Google.Protobuf.WellKnownTypes;
using ProtoTask = KubeRunner.Protocol.Runner.V1.Task;

namespace KubeRunner.Testing.FakeForge;

/// <summary>Builds the Task message of §3.4 ("Builds the Task message") from a job and a task row.</summary>
internal sealed class TaskPayloadBuilder(Func<Uri> appUrl, FakeForgeOptions options)
{
    private readonly byte[] _runtimeTokenKey = RandomNumberGenerator.GetBytes(32);

    public ProtoTask Build(TaskRecord task, DateTimeOffset now)
    {
        var job = task.Job;
        var message = new ProtoTask
        {
            Id = task.Id,
            WorkflowPayload = ByteString.CopyFromUtf8(job.Spec.WorkflowYaml),
            Context = BuildContext(task, now),
        };

        // §4.4: the job's secrets plus the task token under its three names.
        foreach (var (name, value) in job.Spec.Secrets)
        {
            message.Secrets[name] = value;
        }

        message.Secrets["GITHUB_TOKEN"] = task.Token;
        message.Secrets["GITEA_TOKEN"] = task.Token;
        message.Secrets["FORGEJO_TOKEN"] = task.Token;
        foreach (var (name, value) in job.Spec.Vars)
        {
            message.Vars[name] = value;
        }

        foreach (var (jobId, need) in job.Spec.Needs)
        {
            message.Needs[jobId] = need.Clone();
        }

        return message;
    }

    private Struct BuildContext(TaskRecord task, DateTimeOffset now)
    {
        var job = task.Job;
        var spec = job.Spec;
        var server = appUrl().AbsoluteUri;
        var owner = spec.Repository.Split('/')[0];
        var refName = spec.Ref.StartsWith("refs/tags/", StringComparison.Ordinal) ? spec.Ref["refs/tags/".Length..]
            : spec.Ref.StartsWith("refs/heads/", StringComparison.Ordinal) ? spec.Ref["refs/heads/".Length..]
            : spec.Ref;
        var refType = spec.Ref.StartsWith("refs/tags/", StringComparison.Ordinal) ? "tag" : "branch";
        var runtimeToken = RuntimeToken(task, now);
        var runId = job.RunId.ToString(CultureInfo.InvariantCulture);

        // §4.3: the GithubContext keys, then the Forgejo additions. Unused ones are empty strings.
        var context = new Dictionary<string, Value>(StringComparer.Ordinal)
        {
            ["event"] = Value.ForStruct(Struct.Parser.ParseJson(spec.EventJson ?? DefaultEvent(spec, server))),
            ["workflow"] = Value.ForString(spec.WorkflowFile),
            ["run_attempt"] = Value.ForString("1"),
            ["run_id"] = Value.ForString(runId),
            ["run_number"] = Value.ForString(runId),
            ["actor"] = Value.ForString(spec.Actor),
            ["repository"] = Value.ForString(spec.Repository),
            ["event_name"] = Value.ForString(spec.EventName),
            ["sha"] = Value.ForString(spec.Sha),
            ["ref"] = Value.ForString(spec.Ref),
            ["ref_name"] = Value.ForString(refName),
            ["ref_type"] = Value.ForString(refType),
            ["head_ref"] = Value.ForString(""),
            ["base_ref"] = Value.ForString(""),
            ["token"] = Value.ForString(task.Token),
            ["job"] = Value.ForString(job.JobKey),
            ["repository_owner"] = Value.ForString(owner),
            ["server_url"] = Value.ForString(server),
            ["api_url"] = Value.ForString(server + "api/v1"),
            ["workflow_ref"] = Value.ForString($"{spec.Repository}/.forgejo/workflows/{spec.WorkflowFile}@{spec.Ref}"),
            ["ref_protected"] = Value.ForBool(false),
            ["repositoryUrl"] = Value.ForString(server + spec.Repository),
            ["secret_source"] = Value.ForString("Actions"),
            ["gitea_default_actions_url"] = Value.ForString(options.DefaultActionsUrl),
            ["forgejo_default_actions_url"] = Value.ForString(options.DefaultActionsUrl),
            ["gitea_runtime_token"] = Value.ForString(runtimeToken),
            ["forgejo_runtime_token"] = Value.ForString(runtimeToken),
            ["forgejo_server_version"] = Value.ForString(options.ServerVersion),
        };
        foreach (var empty in EmptyKeys)
        {
            context[empty] = Value.ForString("");
        }

        foreach (var omitted in spec.OmitContextKeys)
        {
            context.Remove(omitted);
        }

        foreach (var (key, value) in spec.ExtraContext)
        {
            context[key] = value.Clone();
        }

        var result = new Struct();
        result.Fields.Add(context);
        return result;
    }

    private static readonly string[] EmptyKeys =
    [
        "event_path", "workspace", "action", "action_path", "action_ref", "action_repository", "graphql_url",
        "job_name", "runner_perflog", "runner_tracking_id", "retention_days", "action_status", "env", "path",
        "triggering_actor",
    ];

    private static string DefaultEvent(FakeJob spec, string server) => JsonSerializer.Serialize(new Dictionary<string, object>
    {
        ["ref"] = spec.Ref,
        ["after"] = spec.Sha,
        ["repository"] = new Dictionary<string, string>
        {
            ["full_name"] = spec.Repository,
            ["html_url"] = server + spec.Repository,
        },
        ["sender"] = new Dictionary<string, string> { ["login"] = spec.Actor },
    });

    /// <summary>§3.12: an HS256 JWT valid for 24 h with the Actions.Results scope of the job.</summary>
    private string RuntimeToken(TaskRecord task, DateTimeOffset now)
    {
        var header = Base64Url("""{"alg":"HS256","typ":"JWT"}""");
        var claims = JsonSerializer.Serialize(new Dictionary<string, object>
        {
            ["nbf"] = now.ToUnixTimeSeconds(),
            ["exp"] = now.AddHours(24).ToUnixTimeSeconds(),
            ["scp"] = $"Actions.Results:{task.Job.RunId}:{task.Job.Id}",
            ["TaskID"] = task.Id,
            ["RunID"] = task.Job.RunId,
            ["JobID"] = task.Job.Id,
            ["ac"] = "[]",
        });
        var unsigned = header + "." + Base64Url(claims);
        var signature = HMACSHA256.HashData(_runtimeTokenKey, Encoding.UTF8.GetBytes(unsigned));
        return unsigned + "." + Base64Url(signature);
    }

    private static string Base64Url(string text) => Base64Url(Encoding.UTF8.GetBytes(text));

    private static string Base64Url(byte[] bytes) =>
        Convert.ToBase64String(bytes).TrimEnd('=').Replace('+', '-').Replace('/', '_');
}
