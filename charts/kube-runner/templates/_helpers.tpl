{{/*
Names, labels and the values every template shares. The in-pod layout (paths, ports, Secret names)
is fixed here once: the agent's config.yaml, the Deployment, the Service and the NetworkPolicies
must all agree on it.
*/}}

{{- define "kube-runner.name" -}}
{{- default .Chart.Name .Values.nameOverride | trunc 63 | trimSuffix "-" }}
{{- end }}

{{/*
The release's object name: the release name alone when it already contains the chart's name
(`helm install kube-runner …` gives `kube-runner`, not `kube-runner-kube-runner`). At most 63
characters, since it also names the Service (a DNS label).
*/}}
{{- define "kube-runner.fullname" -}}
{{- if .Values.fullnameOverride }}
{{- .Values.fullnameOverride | trunc 63 | trimSuffix "-" }}
{{- else }}
{{- $name := default .Chart.Name .Values.nameOverride }}
{{- if contains $name .Release.Name }}
{{- .Release.Name | trunc 63 | trimSuffix "-" }}
{{- else }}
{{- printf "%s-%s" .Release.Name $name | trunc 63 | trimSuffix "-" }}
{{- end }}
{{- end }}
{{- end }}

{{- define "kube-runner.chart" -}}
{{- printf "%s-%s" .Chart.Name .Chart.Version | replace "+" "_" | trunc 63 | trimSuffix "-" }}
{{- end }}

{{- define "kube-runner.selectorLabels" -}}
app.kubernetes.io/name: {{ include "kube-runner.name" . }}
app.kubernetes.io/instance: {{ .Release.Name }}
{{- end }}

{{- define "kube-runner.labels" -}}
helm.sh/chart: {{ include "kube-runner.chart" . }}
{{ include "kube-runner.selectorLabels" . }}
app.kubernetes.io/version: {{ .Chart.AppVersion | quote }}
app.kubernetes.io/managed-by: {{ .Release.Service }}
app.kubernetes.io/component: agent
{{- end }}

{{- define "kube-runner.serviceAccountName" -}}
{{- if .Values.serviceAccount.create }}
{{- default (include "kube-runner.fullname" .) .Values.serviceAccount.name }}
{{- else }}
{{- default "default" .Values.serviceAccount.name }}
{{- end }}
{{- end }}

{{- define "kube-runner.image" -}}
{{- printf "%s:%s" .Values.image.repository (.Values.image.tag | default .Chart.AppVersion) }}
{{- end }}

{{- define "kube-runner.executorImage" -}}
{{- printf "%s:%s" .Values.executorImage.repository (.Values.executorImage.tag | default .Chart.AppVersion) }}
{{- end }}

{{/* The agent's ports: executor gRPC (job pods dial it) and HTTP (probes, /metrics). */}}
{{- define "kube-runner.executorPort" -}}{{ .Values.service.executorPort }}{{- end }}
{{- define "kube-runner.httpPort" -}}{{ .Values.service.httpPort }}{{- end }}

{{/* Where the agent keeps its work: executor socket, task records, action cache. An emptyDir. */}}
{{- define "kube-runner.dataDir" -}}/var/lib/kube-runner{{- end }}
{{- define "kube-runner.configDir" -}}/etc/kube-runner{{- end }}

{{/* The Secret in which the agent keeps its registration (.runner); it creates it on first start. */}}
{{- define "kube-runner.runnerSecret" -}}
{{- printf "%s-runner" (include "kube-runner.fullname" .) }}
{{- end }}

{{- define "kube-runner.tokenSecret" -}}
{{- .Values.registration.existingSecret | default (printf "%s-token" (include "kube-runner.fullname" .)) }}
{{- end }}

{{- define "kube-runner.tokenSecretKey" -}}
{{- if .Values.registration.existingSecret }}
{{- .Values.registration.existingSecretKey | default "token" }}
{{- else -}}
token
{{- end }}
{{- end }}

{{- define "kube-runner.runnerName" -}}
{{- .Values.runner.name | default (include "kube-runner.fullname" .) }}
{{- end }}

{{- define "kube-runner.jobsNamespace" -}}
{{- .Values.jobs.namespace | default .Release.Namespace }}
{{- end }}

{{/* The address job pods dial: the Service in front of the agent, by its cluster DNS name. */}}
{{- define "kube-runner.agentAddress" -}}
{{- .Values.agentAddress | default (printf "http://%s.%s.svc:%s" (include "kube-runner.fullname" .) .Release.Namespace (include "kube-runner.executorPort" .)) }}
{{- end }}

{{/*
Every namespace Jobs may run in (jobs.namespace and each profile's own namespace), as YAML
"namespace: true|false", the boolean saying whether the agent creates PodDisruptionBudgets there
(a profile of that namespace with eviction_protection: pdb, or rbac.podDisruptionBudgets). The
agent lists and watches every one of them, so each gets a Role and a NetworkPolicy.
*/}}
{{- define "kube-runner.jobNamespaces" -}}
{{- $default := include "kube-runner.jobsNamespace" . }}
{{- $always := eq (toString .Values.rbac.podDisruptionBudgets) "true" }}
{{- $all := dict $default $always }}
{{- range $name, $profile := .Values.profiles }}
{{- $profile = $profile | default dict }}
{{- $ns := $profile.namespace | default $default }}
{{- $pdb := or $always (eq (toString (get $all $ns)) "true") (eq (toString $profile.eviction_protection) "pdb") }}
{{- $_ := set $all $ns $pdb }}
{{- end }}
{{- toYaml $all }}
{{- end }}

{{/*
Selects the pods of the Jobs the agent creates: the backend labels each with managed-by
kube-runner and its runner's uuid (src/KubeRunner.Agent/Backends/Kubernetes/Spec/KubernetesLabels.cs).
The uuid is only known after registration, so the selector asks for the label to exist.
*/}}
{{- define "kube-runner.jobPodSelector" -}}
matchLabels:
  app.kubernetes.io/managed-by: kube-runner
matchExpressions:
  - key: kube-runner.forgejo.org/runner-uuid
    operator: Exists
{{- end }}

{{/* Copies the map .src over the map .dst, key by key into nested maps; a null in .src removes the key. */}}
{{- define "kube-runner.merge" -}}
{{- $dst := .dst }}
{{- range $key, $value := .src }}
{{- if and (kindIs "map" $value) (kindIs "map" (get $dst $key)) }}
{{- include "kube-runner.merge" (dict "dst" (get $dst $key) "src" $value) }}
{{- else if kindIs "invalid" $value }}
{{- $_ := unset $dst $key }}
{{- else }}
{{- $_ := set $dst $key $value }}
{{- end }}
{{- end }}
{{- end }}

{{/*
The agent's config.yaml (keys as `kube-runner generate-config` documents them), built from the
values, then extraConfig copied over it.
*/}}
{{- define "kube-runner.config" -}}
{{- $forge := required "forge.url is required: the URL of the Forgejo instance to register with, e.g. --set forge.url=https://forge.example" .Values.forge.url }}
{{- $labels := list }}
{{- $profiles := dict }}
{{- range $name, $profile := .Values.profiles }}
{{- $labels = append $labels (printf "%s:kubernetes" $name) }}
{{- $copy := deepCopy ($profile | default dict) }}
{{- if not $copy.executor_image }}
{{- $_ := set $copy "executor_image" (include "kube-runner.executorImage" $) }}
{{- end }}
{{- $_ := set $profiles $name $copy }}
{{- end }}
{{- $labels = concat $labels .Values.runner.extraLabels }}
{{- if lt (int .Values.kubernetes.burst) (int .Values.kubernetes.qps) }}
{{- fail (printf "kubernetes.burst (%d) must be at least kubernetes.qps (%d): the agent would refuse its config" (int .Values.kubernetes.burst) (int .Values.kubernetes.qps)) }}
{{- end }}
{{- if not $labels }}
{{- fail "no runner label: name at least one profile in profiles (each becomes the label <name>:kubernetes) or a label in runner.extraLabels" }}
{{- end }}
{{- $config := dict
  "runner" (dict
    "file" (printf "%s/.runner" (include "kube-runner.dataDir" .))
    "capacity" .Values.runner.capacity
    "timeout" .Values.runner.timeout
    "shutdown_timeout" .Values.runner.shutdownTimeout
    "fetch_interval" .Values.runner.fetchInterval
    "labels" $labels)
  "host" (dict "workdir_parent" (include "kube-runner.dataDir" .))
  "executor" (dict "listen" (printf "0.0.0.0:%s" (include "kube-runner.executorPort" .)))
  "http" (dict "listen" (printf "0.0.0.0:%s" (include "kube-runner.httpPort" .)))
  "registration" (dict
    "instance" $forge
    "token_file" (printf "%s/token/token" (include "kube-runner.configDir" .))
    "name" (include "kube-runner.runnerName" .)
    "secret" (include "kube-runner.runnerSecret" .)
    "namespace" .Release.Namespace)
  "kubernetes" (dict
    "namespace" (include "kube-runner.jobsNamespace" .)
    "agent_address" (include "kube-runner.agentAddress" .)
    "qps" .Values.kubernetes.qps
    "burst" .Values.kubernetes.burst
    "unschedulable_timeout" .Values.kubernetes.unschedulableTimeout
    "profiles" $profiles)
}}
{{- include "kube-runner.merge" (dict "dst" $config "src" (deepCopy (.Values.extraConfig | default dict))) }}
{{- toYaml $config }}
{{- end }}

{{/* For scrapers that discover targets by annotation (metrics.annotations). */}}
{{- define "kube-runner.scrapeAnnotations" -}}
prometheus.io/scrape: "true"
prometheus.io/port: {{ include "kube-runner.httpPort" . | quote }}
prometheus.io/path: /metrics
{{- end }}
