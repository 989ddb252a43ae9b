# The executor image: the kube-runner-executor bundle (docs/adr/0005-executor-binary.md) in
# /kube-runner-executor, from where the init container of every Kubernetes job copies it into the
# pod's shared volume (`/bin/sh -c "cp -R /kube-runner-executor/. /__kube-runner/"`). A profile names
# it in kubernetes.profiles.<label>.executor_image.
#
#   docker build -f deploy/docker/executor.Dockerfile -t kube-runner-executor:0.1.0 .
#
# The bundle's glibc comes from the build stage (Debian 12, glibc 2.36), so SDK_IMAGE must stay a
# bookworm image. BASE_IMAGE needs only /bin/sh and cp; the bundle itself needs nothing from it.

ARG SDK_IMAGE=mcr.microsoft.com/dotnet/sdk:10.0-bookworm-slim
ARG BASE_IMAGE=busybox:1.36

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

FROM ${BASE_IMAGE}
ARG BASE_IMAGE
LABEL org.opencontainers.image.title="kube-runner-executor" \
      org.opencontainers.image.description="The kube-runner-executor bundle, copied into job pods by the KubeRunner agent's init container" \
      org.opencontainers.image.version="0.1.0" \
      org.opencontainers.image.base.name="${BASE_IMAGE}"
# Owned by root and read-only for everyone else: the copy the init container makes belongs to the
# init container's user, and the binary stays executable (cp -R keeps the modes).
COPY --from=executor-build /out/executor-bundle /kube-runner-executor
USER 65532:65532
