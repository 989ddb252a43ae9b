# The agent image: kube-runner (framework-dependent, on the ASP.NET Core runtime image) in /app,
# with the executor bundle next to it in /app/executor-bundle, where the Docker backend looks for it
# (docker.executor_bundle's default). It serves the Kubernetes and Docker backends; host labels would
# run jobs inside this container and are not meant for it.
#
#   docker build -f deploy/docker/agent.Dockerfile -t kube-runner:0.1.0 .
#   docker run --rm kube-runner:0.1.0 version
#
# The entry point is `kube-runner`; the default command runs the daemon on
# /etc/kube-runner/config.yaml (the Helm chart's ConfigMap; `generate-config` prints an example).
# It runs as uid/gid 10001 with HOME /var/lib/kube-runner, the directory for .runner, the executor
# socket, task records and the action cache (host.workdir_parent; a volume in a pod).
#
# Framework-dependent rather than self-contained: the runtime image brings the same runtime the
# self-contained app would carry (the images are about the same size), shared with other .NET images
# and patched by rebuilding on a newer base; trimming is off the table (KubernetesClient, YamlDotNet).

ARG SDK_IMAGE=mcr.microsoft.com/dotnet/sdk:10.0-bookworm-slim
ARG RUNTIME_IMAGE=mcr.microsoft.com/dotnet/aspnet:10.0-bookworm-slim

# ---- executor-build: the same, line for line, in agent.Dockerfile and executor.Dockerfile, so that
# Docker's build cache builds the bundle once for both images. Change both files together.
FROM ${SDK_IMAGE} AS executor-build
# Native AOT links with clang (and zlib); build/executor-bundle.sh needs patchelf, ldd and readelf.
# An SDK image that already has them (an offline build machine's) is used as it is.
RUN if ! command -v clang >/dev/null || ! command -v patchelf >/dev/null \
        || ! command -v readelf >/dev/null || ! [ -e /usr/include/zlib.h ]; then \
        apt-get update \
        && DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends clang zlib1g-dev patchelf binutils \
        && rm -rf /var/lib/apt/lists/*; \
    fi
ENV DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1 DOTNET_SKIP_FIRST_TIME_EXPERIENCE=1
WORKDIR /repo
# Restored before the sources are copied: the packages (versions pinned in Directory.Packages.props)
# stay in a cached layer until a project file changes.
COPY .editorconfig global.json Directory.Build.props Directory.Packages.props ./
COPY src/KubeRunner.Protocol/KubeRunner.Protocol.csproj src/KubeRunner.Protocol/
COPY src/KubeRunner.Workflow/KubeRunner.Workflow.csproj src/KubeRunner.Workflow/
COPY src/KubeRunner.Executor/KubeRunner.Executor.csproj src/KubeRunner.Executor/
RUN dotnet restore src/KubeRunner.Executor/KubeRunner.Executor.csproj -r linux-x64
COPY build/executor-bundle.sh build/
COPY proto/ proto/
COPY src/KubeRunner.Protocol/ src/KubeRunner.Protocol/
COPY src/KubeRunner.Workflow/ src/KubeRunner.Workflow/
COPY src/KubeRunner.Executor/ src/KubeRunner.Executor/
RUN dotnet publish src/KubeRunner.Executor/KubeRunner.Executor.csproj --no-restore -c Release -r linux-x64 \
        -p:ExecutorBundleDir=/out/executor-bundle \
    && chmod -R u=rwX,go=rX /out/executor-bundle
# ---- end of executor-build

FROM executor-build AS agent-build
COPY src/KubeRunner.Agent/KubeRunner.Agent.csproj src/KubeRunner.Agent/
RUN dotnet restore src/KubeRunner.Agent/KubeRunner.Agent.csproj -r linux-x64
COPY src/KubeRunner.Agent/ src/KubeRunner.Agent/
# The executor is a self-contained (AOT) program referenced by the framework-dependent agent only to be
# built first; the SDK's check that both agree does not apply. The agent build leaves the executor's
# runtimeconfig (a launcher that cannot start) in the output, and the XML docs are for IDEs.
RUN dotnet publish src/KubeRunner.Agent/KubeRunner.Agent.csproj --no-restore -c Release -r linux-x64 \
        --self-contained false -p:ValidateExecutableReferencesMatchSelfContained=false \
        -p:SatelliteResourceLanguages=en -o /out/app \
    && rm -f /out/app/kube-runner-executor.runtimeconfig.json /out/app/*.xml \
    && cp -R /out/executor-bundle /out/app/executor-bundle \
    && chmod -R u=rwX,go=rX /out/app

FROM ${RUNTIME_IMAGE}
ARG RUNTIME_IMAGE
LABEL org.opencontainers.image.title="kube-runner" \
      org.opencontainers.image.description="KubeRunner: a Forgejo Actions runner that runs jobs as Kubernetes Jobs or Docker containers" \
      org.opencontainers.image.version="0.1.0" \
      org.opencontainers.image.base.name="${RUNTIME_IMAGE}"
# A user of its own with a fixed uid, so that a pod's securityContext, a volume's owner and a
# host's docker group can name it. Only HOME is writable.
RUN groupadd --gid 10001 kube-runner \
    && useradd --uid 10001 --gid 10001 --home-dir /var/lib/kube-runner --no-create-home \
        --shell /usr/sbin/nologin kube-runner \
    && install -d -o 10001 -g 10001 -m 0750 /var/lib/kube-runner \
    && install -d -m 0755 /etc/kube-runner
COPY --from=agent-build /out/app /app
RUN ln -s /app/kube-runner /usr/local/bin/kube-runner
ENV HOME=/var/lib/kube-runner \
    DOTNET_CLI_TELEMETRY_OPTOUT=1
WORKDIR /var/lib/kube-runner
USER 10001:10001
# http.listen (/healthz, /readyz, /metrics) and executor.listen (executors in job pods) as the chart sets them.
EXPOSE 8080 8081
ENTRYPOINT ["kube-runner"]
CMD ["daemon", "--config", "/etc/kube-runner/config.yaml"]
