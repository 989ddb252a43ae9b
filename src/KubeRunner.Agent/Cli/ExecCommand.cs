using System.CommandLine;
using System.Text;
using KubeRunner.Agent.Labels;
using KubeRunner.Agent.LocalRun;
using KubeRunner.Workflow.Model;

namespace KubeRunner.Agent.Cli;

/// <summary>
/// <c>kube-runner exec</c>: run a workflow file on this machine, with no forge. Flag names follow
/// forgejo-runner's exec where they overlap (runner-behaviour.md §2.6).
/// </summary>
internal static class ExecCommand
{
    /// <summary>The backends exec can run jobs with, by <c>--backend</c> name.</summary>
    private static readonly Dictionary<string, string> _backends = new(StringComparer.Ordinal) { ["host"] = "host:host" };

    public static Command Create(CliContext context, Option<string?> configOption)
    {
        var workflows = new Option<string?>("--workflows", "-W") { Description = "The workflow file, or a directory holding exactly one (default: .forgejo/workflows, then .github/workflows)", HelpName = "path" };
        var job = new Option<string?>("--job", "-j") { Description = "Run only this job and the jobs it needs", HelpName = "id" };
        var eventName = new Option<string>("--event", "-E") { Description = "The event name jobs see as github.event_name", HelpName = "name", DefaultValueFactory = _ => "push" };
        var eventFile = new Option<string?>("--event-file") { Description = "A JSON file with the event payload (github.event); default {}", HelpName = "file" };
        var secrets = KeyValues("--secret", "A secret, KEY=VALUE or KEY (value from the environment); masked in the output", "-s");
        var vars = KeyValues("--var", "A configuration variable (vars.KEY), KEY=VALUE");
        var env = KeyValues("--env", "An environment variable for every step, KEY=VALUE");
        var directory = new Option<string?>("--directory", "-C") { Description = "The checkout jobs work on: each job's workspace starts as a copy of it, without what git ignores (default: the current directory)", HelpName = "path" };
        var actionsUrl = new Option<string>("--default-actions-url") { Description = "Where actions named owner/repo@ref come from", HelpName = "url", DefaultValueFactory = _ => LocalRunInfo.DefaultActionsUrl };
        var backend = new Option<string>("--backend") { Description = $"Where jobs run, whatever their runs-on says: {string.Join(", ", _backends.Keys)}", HelpName = "name", DefaultValueFactory = _ => "host" };
        var command = new Command("exec", "Run a workflow on this machine with no forge: every job in needs order, matrices expanded, the log printed as it comes; exit code 0 when every job succeeded or was skipped, 1 when one failed")
        {
            workflows, job, eventName, eventFile, secrets, vars, env, directory, actionsUrl, backend,
        };
        command.SetAction(async (parse, cancellationToken) =>
        {
            var backendName = parse.GetValue(backend)!;
            if (!_backends.TryGetValue(backendName, out var labelText))
            {
                throw new CliException(ExitCodes.Usage, $"--backend: unknown backend '{backendName}' (available: {string.Join(", ", _backends.Keys)})");
            }

            var secretValues = ParseKeyValues(context, "--secret", parse.GetValue(secrets), fromEnvironment: true);
            var varValues = ParseKeyValues(context, "--var", parse.GetValue(vars), fromEnvironment: false);
            var envValues = ParseKeyValues(context, "--env", parse.GetValue(env), fromEnvironment: false);
            var config = ConfigOption.Load(context, parse.GetValue(configOption));
            var path = WorkflowLocator.Find(context, parse.GetValue(workflows));
            var yaml = File.ReadAllText(path);
            var parsed = WorkflowParser.Parse(yaml);
            if (!parsed.Ok)
            {
                foreach (var error in parsed.Errors)
                {
                    context.Error.WriteLine($"kube-runner: {path}: {error}");
                }

                return ExitCodes.Configuration;
            }

            var jobs = LocalPlan.Create(parsed.Workflow!, yaml, parse.GetValue(job), context.Warn);
            var checkout = Checkout(context, parse.GetValue(directory));
            var info = new LocalRunInfo(
                LocalGit.Repository(checkout),
                LocalGit.Sha(checkout),
                LocalGit.Ref(checkout),
                parse.GetValue(eventName)!,
                ReadEvent(context, parse.GetValue(eventFile)),
                context.Environment.GetValueOrDefault("USER") ?? "local",
                Path.GetFileName(path))
            {
                ActionsUrl = ActionsUrl(parse.GetValue(actionsUrl)!),
            };
            var seed = new Backends.WorkspaceSeed(checkout, LocalGit.Files(checkout));
            var request = new LocalRunRequest(jobs, info, secretValues, varValues, envValues, seed);
            var code = await LocalRunner.RunAsync(context, config, Label.Parse(labelText), request, cancellationToken);
            if (code == ExitCodes.Interrupted)
            {
                context.Error.WriteLine("kube-runner: interrupted");
            }

            return code;
        });
        return command;
    }

    private static string ActionsUrl(string url) =>
        Uri.TryCreate(url, UriKind.Absolute, out var uri) && uri.Scheme is "https" or "http"
            ? url.TrimEnd('/')
            : throw new CliException(ExitCodes.Usage, $"--default-actions-url: '{url}' is not an http(s) address, such as https://code.forgejo.org");

    private static string Checkout(CliContext context, string? directory)
    {
        var path = context.ResolvePath(directory ?? ".");
        return Directory.Exists(path) ? path : throw new CliException(ExitCodes.Usage, $"--directory: {path} is not a directory");
    }

    private static Option<string[]> KeyValues(string name, string description, params string[] aliases) => new(name, aliases)
    {
        Description = description + " (repeatable)",
        HelpName = "KEY=VALUE",
        AllowMultipleArgumentsPerToken = false,
        Arity = ArgumentArity.ZeroOrMore,
    };

    private static Dictionary<string, string> ParseKeyValues(CliContext context, string option, string[]? values, bool fromEnvironment)
    {
        var result = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var text in values ?? [])
        {
            var equals = text.IndexOf('=', StringComparison.Ordinal);
            var key = equals < 0 ? text : text[..equals];
            if (key.Length == 0)
            {
                throw new CliException(ExitCodes.Usage, $"{option}: '{text}' has no name; write KEY=VALUE");
            }

            if (equals >= 0)
            {
                result[key] = text[(equals + 1)..];
            }
            else if (fromEnvironment && context.Environment.TryGetValue(key, out var value))
            {
                result[key] = value;
            }
            else
            {
                throw new CliException(ExitCodes.Usage, fromEnvironment
                    ? $"{option}: '{key}' has no value and is not set in the environment; write KEY=VALUE"
                    : $"{option}: '{text}' has no value; write KEY=VALUE");
            }
        }

        return result;
    }

    private static string ReadEvent(CliContext context, string? file)
    {
        if (file is null)
        {
            return "{}";
        }

        try
        {
            var json = File.ReadAllText(context.ResolvePath(file), Encoding.UTF8);
            // Parsed here so that a broken file is one line now, not a failure inside every job.
            _ = Google.Protobuf.WellKnownTypes.Struct.Parser.ParseJson(json);
            return json;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or Google.Protobuf.InvalidProtocolBufferException or InvalidOperationException)
        {
            throw new CliException(ExitCodes.Configuration, $"--event-file: {file}: {e.Message}", e);
        }
    }
}
