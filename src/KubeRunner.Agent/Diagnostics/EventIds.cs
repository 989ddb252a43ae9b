namespace KubeRunner.Agent.Diagnostics;

/// <summary>
/// Stable event ids of the agent's log messages, one range per part of the job path, so that log
/// queries and alerts keep working when wording changes.
/// </summary>
internal static class EventIds
{
    // 1xx: daemon start and forge identity
    public const int DaemonStarting = 100;
    public const int Declared = 101;
    public const int DeclareUnsupported = 102;
    public const int DeclareRetry = 103;
    public const int RegistrationLabelsUpdated = 104;
    public const int ConfigWarning = 105;

    // 92x: registering by itself (registration section)
    public const int RegistrationLoaded = 920;
    public const int Registered = 921;
    public const int RegistrationFailed = 922;
    public const int RegistrationTakenFromAnother = 923;
    public const int RegistrationAddressDiffers = 924;

    // 2xx: polling
    public const int TaskReceived = 200;
    public const int FetchFailed = 201;
    public const int FetchRecovered = 202;
    public const int DuplicateTask = 203;
    public const int PollingStopped = 204;
    public const int ShutdownWaiting = 205;
    public const int ShutdownCancelling = 206;
    public const int ShutdownComplete = 207;

    // 3xx: running a task
    public const int TaskStarted = 300;
    public const int TaskFinished = 301;
    public const int TaskNoBackend = 302;
    public const int TaskBadPayload = 303;
    public const int TaskCrashed = 304;
    public const int TaskCleanupFailed = 305;

    // 4xx: reporting to the forge
    public const int ReportFailed = 400;
    public const int ReportRecovered = 401;
    public const int AckBackwards = 402;
    public const int AckBeyondSent = 403;
    public const int ServerStoppedTask = 404;
    public const int FinalReportFailed = 405;
    public const int FinalReportGaveUp = 406;
    public const int RowAfterClose = 407;
    public const int StepEventIgnored = 408;
    public const int FinalLogAlreadyClosed = 409;

    // 5xx: executors
    public const int ExecutorAttached = 500;
    public const int ExecutorDetached = 501;
    public const int ExecutorRefused = 502;
    public const int ExecutorEventGap = 503;
    public const int ExecutorRowGap = 504;
    public const int ExecutorStarted = 505;
    public const int ExecutorExited = 506;
    public const int ExecutorOutput = 507;
    public const int TaskAdopted = 508;
    public const int TaskStateFailed = 509;
    public const int ExecutorActionRequested = 510;
    public const int ExecutorEventApplied = 511;
    public const int TaskAbandoned = 512;
    public const int TaskAbandonedNotReported = 513;

    // 6xx: actions (resolving, downloading and caching what uses: steps name)
    public const int ActionResolved = 600;
    public const int ActionDownloading = 601;
    public const int ActionCached = 602;
    public const int ActionGitFallback = 603;
    public const int ActionFetchFailed = 604;
    public const int ActionEvicted = 605;
    public const int ActionCacheLoaded = 606;
    public const int ActionCacheEntryDropped = 607;
    public const int ActionCacheCleanupFailed = 608;

    // 7xx: the Docker backend (images, networks, job containers)
    public const int DockerContainerStarted = 700;
    public const int DockerSetupFailed = 701;
    public const int DockerRemoveFailed = 702;
    public const int DockerContainerExited = 703;
    public const int DockerExecutorOutput = 704;

    // 74x: Docker objects of earlier agent processes (adoption, leftovers)
    public const int DockerLeftoverRemoved = 740;
    public const int DockerLeftoverRemoveFailed = 741;
    public const int DockerSweepFailed = 742;

    // 75x: Docker actions (containers next to the job container, images built from actions)
    public const int DockerActionRequested = 750;
    public const int DockerActionRefused = 751;
    public const int DockerActionContainerStarted = 752;
    public const int DockerActionContainerExited = 753;
    public const int DockerActionFailed = 754;

    // 8xx: the Kubernetes backend (Jobs, pods, the namespace watches)
    public const int KubernetesJobCreated = 800;
    public const int KubernetesSetupFailed = 801;
    public const int KubernetesDeleteFailed = 802;
    public const int KubernetesPodEnded = 803;
    public const int KubernetesExecutorOutput = 804;
    public const int KubernetesInfrastructureFailure = 805;
    public const int KubernetesAnnotateFailed = 806;
    public const int KubernetesWatchExpired = 820;
    public const int KubernetesWatchFailed = 821;

    // 84x: Kubernetes objects of earlier agent processes (adoption, leftovers)
    public const int KubernetesLeftoverRemoved = 840;
    public const int KubernetesSweepFailed = 841;
    public const int KubernetesJobAdopted = 842;

    // 90x: health, readiness and metrics (http.listen)
    public const int StatusListening = 900;

    // 95x: standby (peers, the forge's job list, modes, claims, draining)
    public const int Draining = 950;
    public const int DrainResumed = 951;
    public const int StandbyModeChanged = 952;
    public const int StandbyClaiming = 953;
    public const int StandbyClaimLost = 954;
    public const int StandbyPeerLost = 955;
    public const int StandbyPeerBack = 956;
    public const int StandbyPeerRestarted = 957;
    public const int StandbyForgeApi = 958;
    public const int StandbyForgeApiFailed = 959;
    public const int StandbyKeepaliveFailed = 960;
    public const int StandbyLabelsDiffer = 961;
    public const int StandbySpillOver = 962;
    public const int StandbyPeerState = 963;
}
