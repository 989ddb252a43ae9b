using KubeRunner.Executor.Engine;
using KubeRunner.Executor.Processes;
using KubeRunner.Protocol.Executor.V1;
using KubeRunner.Workflow.Actions;
using KubeRunner.Workflow.Expressions;
using Result = KubeRunner.Protocol.Runner.V1.Result;

namespace KubeRunner.Executor.Actions;

/// <summary>Which entrypoint of a Docker action runs.</summary>
internal enum DockerStage
{
    Main,
    Pre,
    Post,
}

/// <summary>
/// Runs a Docker action (<c>uses: docker://image</c>, or <c>runs.using: docker</c>) through the
/// agent, in a container next to the job container that shares its network namespace and volumes:
/// the workspace and the step files are at the same paths there, so GITHUB_OUTPUT, GITHUB_ENV,
/// GITHUB_PATH and GITHUB_STATE are read back as after any step. The container's output goes
/// through the workflow commands and the masker like a script's.
/// </summary>
internal sealed class DockerActionStep(JobRun run, JobLog log, StepProcess process, ActionCatalog catalog, IContainerRunner? containers)
{
    private const int MaxLineChars = 65536;

    /// <summary>Whether this job can run Docker actions at all (only the Docker backend can).</summary>
    public bool Available => containers is not null && run.Settings.Backend == "docker";

    public async Task<Result> RunAsync(ActionCall call, DockerStage stage, StepScope scope, int logStep, CancellationToken cancellationToken)
    {
        if (!Available)
        {
            log.Row(logStep, "⚙️ [runner]: Docker actions run only on the Docker backend.");
            return Result.Failure;
        }

        var files = StepFiles.Create(run.WorkflowDir);
        var request = Request(call, stage, files);
        var output = new StepOutput(scope, log, logStep, run.ShowDebug);
        var decoder = new LineDecoder(MaxLineChars);
        var lines = new List<string>();
        var carry = Array.Empty<byte>();
        int? exitCode = null;
        try
        {
            await foreach (var response in containers!.RunAsync(request, cancellationToken))
            {
                switch (response.KindCase)
                {
                    case RunContainerResponse.KindOneofCase.Status:
                        log.Row(logStep, response.Status);
                        break;
                    case RunContainerResponse.KindOneofCase.Output:
                        // A UTF-8 sequence cut between chunks is completed by the next one.
                        byte[] bytes = [.. carry, .. response.Output.Span];
                        var used = decoder.Append(bytes, lines);
                        carry = bytes[used..];
                        Emit(lines, output);
                        break;
                    case RunContainerResponse.KindOneofCase.ExitCode:
                        exitCode = response.ExitCode;
                        break;
                }
            }

            decoder.Finish(carry, lines);
            Emit(lines, output);
        }
        catch (ActionProblem e)
        {
            log.Row(logStep, $"⚙️ [runner]: {e.Message}");
            return Result.Failure;
        }
        finally
        {
            process.ReadFiles(scope, files, logStep, call.Step.DisplayName);
        }

        switch (exitCode)
        {
            case 0:
                return Result.Success;
            case null or -1:
                log.Row(logStep, $"⚙️ [runner]: The container of {call.Action.Name} could not run.");
                return Result.Failure;
            default:
                log.Row(logStep, $"⚙️ [runner]: Process completed with exit code {exitCode}.");
                return Result.Failure;
        }
    }

    /// <summary>What the agent gets: image, command line and env as the container sees them.</summary>
    public RunContainerRequest Request(ActionCall call, DockerStage stage, StepFiles files)
    {
        var action = call.Action;
        var runs = action.Manifest.Runs;
        var isImageStep = action.Reference.Kind == ActionReferenceKind.Docker;
        var env = StepEnvironment.Base(run, call.Step.EffectiveId, files, call.Frame, action.Identity, inContainer: true);
        var inputs = ExpressionValue.From(ActionInputs.Context(call.Inputs));
        ExpressionContext Context()
        {
            var context = run.Context(env, frame: call.Frame);
            context.Contexts["inputs"] = inputs;
            return context;
        }

        foreach (var (key, value) in runs.Env)
        {
            env[key] = Template.Interpolate(value, Context());
        }

        StepEnvironment.AddStepEnv(env, call.Step.Env, run, call.Frame);
        foreach (var (name, value) in call.Inputs)
        {
            // For docker://, args and entrypoint are the container's command line, not inputs.
            if (!isImageStep || !(name.Equals("args", StringComparison.OrdinalIgnoreCase) || name.Equals("entrypoint", StringComparison.OrdinalIgnoreCase)))
            {
                env[ActionInputs.EnvName(name)] = value;
            }
        }

        if (run.State.State.TryGetValue(call.StateKey, out var state))
        {
            foreach (var (name, value) in state)
            {
                env["STATE_" + name] = value;
            }
        }

        string Interpolate(string value) => Template.Interpolate(value, Context());
        var with = call.Step.With.ToDictionary(w => w.Key, w => w.Value, StringComparer.OrdinalIgnoreCase);
        var entrypoint = stage switch
        {
            DockerStage.Pre => DockerActionCommand.Entrypoint(null, runs.PreEntrypoint, Interpolate),
            DockerStage.Post => DockerActionCommand.Entrypoint(null, runs.PostEntrypoint, Interpolate),
            _ => DockerActionCommand.Entrypoint(with.GetValueOrDefault("entrypoint"), runs.Entrypoint, Interpolate),
        };
        var request = new RunContainerRequest
        {
            Entrypoint = { entrypoint },
            Args = { DockerActionCommand.Args(with.GetValueOrDefault("args"), runs.Args, Interpolate) },
            Env = { env },
            WorkingDirectory = run.Workspace,
            Step = call.StateKey,
        };
        SetImage(request, action);
        return request;
    }

    private void SetImage(RunContainerRequest request, PreparedAction action)
    {
        var image = action.Manifest.Runs.Image ?? ActionManifestParser.DefaultDockerfile;
        if (action.Reference.Kind == ActionReferenceKind.Docker)
        {
            request.Image = action.Reference.Image;
            return;
        }

        if (image.StartsWith("docker://", StringComparison.Ordinal))
        {
            request.Image = image["docker://".Length..];
            return;
        }

        var (context, dockerfile) = DockerActionCommand.BuildPaths(image);
        var build = new ImageBuild { Dockerfile = dockerfile };
        if (action.Reference.Kind == ActionReferenceKind.Remote)
        {
            build.Remote = new RemoteActionFiles
            {
                RepositoryUrl = action.Reference.RepositoryUrl(catalog.DefaultActionsUrl),
                // The commit the executor has, even if the ref moved since.
                Ref = action.Sha.Length > 0 ? action.Sha : action.Reference.Ref,
                Path = string.Join('/', new[] { action.Reference.Path.Trim('/'), context }.Where(p => p.Length > 0)),
            };
        }
        else
        {
            build.ContainerPath = Path.GetFullPath(Path.Combine(action.Directory, context));
        }

        request.Build = build;
    }

    private static void Emit(List<string> lines, StepOutput output)
    {
        foreach (var line in lines)
        {
            output.Line(line);
        }

        lines.Clear();
    }
}
