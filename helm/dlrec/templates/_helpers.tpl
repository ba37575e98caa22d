{{/* Names and labels. */}}
{{- define "dlrec.name" -}}
{{- default .Chart.Name .Values.nameOverride | trunc 63 | trimSuffix "-" -}}
{{- end -}}

{{- define "dlrec.fullname" -}}
{{- if .Values.fullnameOverride -}}
{{- .Values.fullnameOverride | trunc 63 | trimSuffix "-" -}}
{{- else -}}
{{- $name := default .Chart.Name .Values.nameOverride -}}
{{- if contains $name .Release.Name -}}
{{- .Release.Name | trunc 63 | trimSuffix "-" -}}
{{- else -}}
{{- printf "%s-%s" .Release.Name $name | trunc 63 | trimSuffix "-" -}}
{{- end -}}
{{- end -}}
{{- end -}}

{{- define "dlrec.labels" -}}
helm.sh/chart: {{ printf "%s-%s" .Chart.Name .Chart.Version | replace "+" "_" }}
app.kubernetes.io/name: {{ include "dlrec.name" . }}
app.kubernetes.io/instance: {{ .Release.Name }}
app.kubernetes.io/version: {{ .Chart.AppVersion | quote }}
app.kubernetes.io/managed-by: {{ .Release.Service }}
{{- end -}}

{{- define "dlrec.selectorLabels" -}}
app.kubernetes.io/name: {{ include "dlrec.name" . }}
app.kubernetes.io/instance: {{ .Release.Name }}
{{- end -}}

{{- define "dlrec.serviceAccountName" -}}
{{- if .Values.serviceAccount.create -}}
{{- default (include "dlrec.fullname" .) .Values.serviceAccount.name -}}
{{- else -}}
{{- default "default" .Values.serviceAccount.name -}}
{{- end -}}
{{- end -}}

{{/* Image reference for a pool: (dict "root" $ "kind" "cpu"|"gpu"). */}}
{{- define "dlrec.image" -}}
{{- $img := index .root.Values.image .kind -}}
{{- $repo := $img.repository -}}
{{- if .root.Values.image.registry -}}{{- $repo = printf "%s/%s" (trimSuffix "/" .root.Values.image.registry) $img.repository -}}{{- end -}}
{{- printf "%s:%s" $repo (default (printf "%s-%s" .root.Chart.AppVersion .kind) $img.tag) -}}
{{- end -}}

{{/* A pool's drain settings: its own value, else worker.*. (dict "root" $ "pool" $pool "key" "shutdownGraceSeconds"). */}}
{{- define "dlrec.poolGrace" -}}
{{- $v := index .pool .key -}}
{{- if kindIs "invalid" $v -}}{{- $v = index .root.Values.worker .key -}}{{- end -}}
{{- int $v -}}
{{- end -}}

{{/* The grace periods must outlast the drain and the heartbeat timeout, or a scaled-down pod loses its epoch. */}}
{{- define "dlrec.checkGrace" -}}
{{- $w := .Values.worker -}}
{{- range $kind := list "cpu" "gpu" }}
{{- $pool := index $.Values (printf "%sWorkers" $kind) }}
{{- if $pool.enabled }}
{{- $tg := include "dlrec.poolGrace" (dict "root" $ "pool" $pool "key" "terminationGracePeriodSeconds") | int }}
{{- $sg := include "dlrec.poolGrace" (dict "root" $ "pool" $pool "key" "shutdownGraceSeconds") | int }}
{{- $tgName := ternary (printf "%sWorkers.terminationGracePeriodSeconds" $kind) "worker.terminationGracePeriodSeconds" (not (kindIs "invalid" $pool.terminationGracePeriodSeconds)) }}
{{- $sgName := ternary (printf "%sWorkers.shutdownGraceSeconds" $kind) "worker.shutdownGraceSeconds" (not (kindIs "invalid" $pool.shutdownGraceSeconds)) }}
{{- if le $tg (int $w.activityHeartbeatTimeoutSeconds) }}
{{- fail (printf "%s (%d) must be longer than worker.activityHeartbeatTimeoutSeconds (%v), so that a pod being scaled down can checkpoint its epoch before it is killed" $tgName $tg $w.activityHeartbeatTimeoutSeconds) }}
{{- end }}
{{- if le $tg (add $sg 10) }}
{{- fail (printf "%s (%d) must exceed %s (%d) by more than 10 s, so that cancelled activities can checkpoint before SIGKILL" $tgName $tg $sgName $sg) }}
{{- end }}
{{- end }}
{{- end }}
{{- end -}}

{{/*
A schedule starts RepositoryBuildWorkflow, whose workflows run on dlrec-cpu and whose training and encoder
activities run on dlrec-gpu (workflows/queues.ts), whatever the profile: refuse one that no pool of this release
serves, rather than registering builds that wait for ever.
*/}}
{{- define "dlrec.checkSchedule" -}}
{{- $s := .Values.schedule -}}
{{- if and $s.enabled (not $s.externalWorkers) -}}
{{- $cpu := .Values.cpuWorkers -}}
{{- $gpu := .Values.gpuWorkers -}}
{{- $cpuServes := and $cpu.enabled (or $cpu.autoscaling.enabled (gt (int $cpu.replicas) 0)) -}}
{{- $gpuServes := and $gpu.enabled (or $gpu.autoscaling.enabled (gt (int $gpu.replicas) 0)) -}}
{{- if not $cpuServes -}}
{{- fail (printf "schedule.enabled: the scheduled builds' workflows run on task queue dlrec-cpu, which no pool of this release serves (cpuWorkers.enabled=%v, cpuWorkers.replicas=%v). Enable the CPU pool, set schedule.externalWorkers=true if workers outside this release serve the queues, or set schedule.enabled=false" $cpu.enabled $cpu.replicas) -}}
{{- end -}}
{{- if not (or $gpuServes $cpu.serveGpuQueue) -}}
{{- fail (printf "schedule.enabled: profile %q trains on task queue dlrec-gpu (every profile does), which no pool of this release serves. Set gpuWorkers.enabled=true (GPU nodes), or cpuWorkers.serveGpuQueue=true (train on the CPU pool: fine for smoke and mini, weeks for paper), or schedule.externalWorkers=true (GPU workers outside this release), or schedule.enabled=false" $s.profile) -}}
{{- end -}}
{{- end -}}
{{- end -}}

{{/* Environment shared by every dlrec container: Temporal, the S3 store, logging. */}}
{{- define "dlrec.env" -}}
- name: TEMPORAL_ADDRESS
  value: {{ required "temporal.address is required (host:port of an existing Temporal frontend)" .Values.temporal.address | quote }}
- name: TEMPORAL_NAMESPACE
  value: {{ .Values.temporal.namespace | quote }}
{{- if .Values.temporal.tls.enabled }}
- name: TEMPORAL_TLS_CERT
  value: /etc/dlrec/temporal-tls/{{ .Values.temporal.tls.certKey }}
- name: TEMPORAL_TLS_KEY
  value: /etc/dlrec/temporal-tls/{{ .Values.temporal.tls.keyKey }}
{{- end }}
- name: DLREC_STORE
  value: {{ printf "s3://%s/%s" (required "store.s3.bucket is required" .Values.store.s3.bucket) (trimAll "/" .Values.store.s3.prefix) | trimSuffix "/" | quote }}
- name: AWS_REGION
  value: {{ .Values.store.s3.region | quote }}
{{- with .Values.store.s3.endpoint }}
- name: AWS_ENDPOINT_URL_S3
  value: {{ . | quote }}
{{- end }}
{{- with .Values.store.s3.credentials.existingSecret }}
- name: AWS_ACCESS_KEY_ID
  valueFrom:
    secretKeyRef:
      name: {{ . }}
      key: {{ $.Values.store.s3.credentials.accessKeyIdKey }}
- name: AWS_SECRET_ACCESS_KEY
  valueFrom:
    secretKeyRef:
      name: {{ . }}
      key: {{ $.Values.store.s3.credentials.secretAccessKeyKey }}
{{- end }}
- name: DLREC_HOME
  value: /var/lib/dlrec
- name: DLREC_LOG_LEVEL
  value: {{ .Values.worker.logLevel | quote }}
{{- with .Values.worker.extraEnv }}
{{ toYaml . }}
{{- end }}
{{- end -}}

{{/* Volumes every dlrec pod needs with a read-only root filesystem, plus the mTLS secret. */}}
{{- define "dlrec.volumes" -}}
- name: tmp
  emptyDir: {}
- name: dlrec-home
  emptyDir: {}
{{- if .Values.temporal.tls.enabled }}
- name: temporal-tls
  secret:
    secretName: {{ required "temporal.tls.existingSecret is required when temporal.tls.enabled" .Values.temporal.tls.existingSecret }}
    defaultMode: 0440
{{- end }}
{{- end -}}

{{- define "dlrec.volumeMounts" -}}
- name: tmp
  mountPath: /tmp
- name: dlrec-home
  mountPath: /var/lib/dlrec
{{- if .Values.temporal.tls.enabled }}
- name: temporal-tls
  mountPath: /etc/dlrec/temporal-tls
  readOnly: true
{{- end }}
{{- end -}}

{{/* Pods wanted for a pool's autoscaler: "keda", "hpa" or "" (no autoscaling). (dict "root" $ "pool" $pool). */}}
{{- define "dlrec.autoscaler" -}}
{{- $as := .pool.autoscaling -}}
{{- if $as.enabled -}}
{{- if eq $as.mode "keda" -}}keda
{{- else if eq $as.mode "hpa" -}}hpa
{{- else if .root.Capabilities.APIVersions.Has "keda.sh/v1alpha1/ScaledObject" -}}keda
{{- else -}}hpa
{{- end -}}
{{- end -}}
{{- end -}}
