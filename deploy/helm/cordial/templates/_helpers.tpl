{{/*
Shared templates. Every service's files in templates/<service>/ call these with
a dict: "root" (the top context) and "name" (the service: gateway, agreements,
contact-locator, strategy, messaging, registry-bridge), so the six services
render the same shape and differ only where their values or extra env differ.
*/}}

{{/* Chart name, overridable so several installs can coexist under other names. */}}
{{- define "cordial.name" -}}
{{- default .Chart.Name .Values.nameOverride | trunc 63 | trimSuffix "-" }}
{{- end }}

{{/* Release-scoped prefix of every resource name; not repeated when the release name already holds the chart name. */}}
{{- define "cordial.fullname" -}}
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

{{- define "cordial.chart" -}}
{{- printf "%s-%s" .Chart.Name .Chart.Version | replace "+" "_" | trunc 63 | trimSuffix "-" }}
{{- end }}

{{/* Values key of a service: contact-locator -> contactLocator (Helm keys are camelCase, hyphens break --set and .Values paths). */}}
{{- define "cordial.valuesKey" -}}
{{- . | replace "-" "_" | camelcase | untitle }}
{{- end }}

{{/* Name of a service's Deployment, Service, ServiceAccount, HPA and PDB. */}}
{{- define "cordial.componentName" -}}
{{- printf "%s-%s" (include "cordial.fullname" .root) .name | trunc 63 | trimSuffix "-" }}
{{- end }}

{{/* Image tag of a service: its own tag, else global.image.tag, else the chart's appVersion. */}}
{{- define "cordial.imageTag" -}}
{{- $v := index .root.Values (include "cordial.valuesKey" .name) }}
{{- $v.image.tag | default .root.Values.global.image.tag | default .root.Chart.AppVersion | toString }}
{{- end }}

{{- define "cordial.image" -}}
{{- $v := index .root.Values (include "cordial.valuesKey" .name) }}
{{- $registry := .root.Values.global.image.registry | trimSuffix "/" }}
{{- $repository := ternary $v.image.repository (printf "%s/%s" $registry $v.image.repository) (empty $registry) }}
{{- printf "%s:%s" $repository (include "cordial.imageTag" .) }}
{{- end }}

{{/* Labels that select a service's pods; never change them on upgrade (Deployment selectors are immutable). */}}
{{- define "cordial.selectorLabels" -}}
app.kubernetes.io/name: {{ include "cordial.name" .root }}
app.kubernetes.io/instance: {{ .root.Release.Name }}
app.kubernetes.io/component: {{ .name }}
{{- end }}

{{/* The standard app.kubernetes.io labels on every resource. */}}
{{- define "cordial.labels" -}}
helm.sh/chart: {{ include "cordial.chart" .root }}
{{ include "cordial.selectorLabels" . }}
app.kubernetes.io/version: {{ include "cordial.imageTag" . | replace "+" "_" | trunc 63 | trimSuffix "-" | quote }}
app.kubernetes.io/part-of: {{ include "cordial.name" .root }}
app.kubernetes.io/managed-by: {{ .root.Release.Service }}
{{- end }}

{{/*
host:port of a service's gRPC endpoint inside the cluster; empty when that
service is disabled, so the env var is left out (set it in env to reach one
running elsewhere) rather than pointing at a Service that does not exist.
*/}}
{{- define "cordial.grpcAddress" -}}
{{- $v := index .root.Values (include "cordial.valuesKey" .name) }}
{{- if $v.enabled }}
{{- printf "%s:%v" (include "cordial.componentName" .) $v.service.ports.grpc }}
{{- end }}
{{- end }}

{{/* The Secret the chart creates for whatever is not taken from an existing Secret. */}}
{{- define "cordial.secretName" -}}
{{- printf "%s-secrets" (include "cordial.fullname" .) | trunc 63 | trimSuffix "-" }}
{{- end }}

{{/* Secret holding CORDIAL_DATA_KEY, CORDIAL_LOOKUP_KEY, CORDIAL_ADMIN_TOKEN, PROVIDER_TOKEN, LOOKUP_AUTH_TOKEN, WHATSAPP_CHECK_TOKEN. */}}
{{- define "cordial.appSecretName" -}}
{{- .Values.global.secrets.existingSecret | default (include "cordial.secretName" .) }}
{{- end }}

{{- define "cordial.serviceAccountName" -}}
{{- $v := index .root.Values (include "cordial.valuesKey" .name) }}
{{- if $v.serviceAccount.create }}
{{- $v.serviceAccount.name | default (include "cordial.componentName" .) }}
{{- else }}
{{- $v.serviceAccount.name | default "default" }}
{{- end }}
{{- end }}

{{/*
Tunable settings of a service are plain env in its values block (values.yaml lists each, typed in
values.schema.json; an empty value is left out so the service's default applies):
  gateway:    CLIENT_WEBHOOK_DISPATCH_SECONDS, CLIENT_WEBHOOK_RETRY_BASE_SECONDS, MAX_DEBT_AMOUNT_MINOR,
              MAX_BODY_BYTES, MAX_BATCH_BODY_BYTES, HOOKS_PUBLIC_URL;
  agreements: PIX_PROVIDER_URL, PIX_KEY, BOLETO_BANK, BOLETO_PROVIDER_URL, BOLETO_CONVENIO, BOLETO_CARTEIRA,
              BOLETO_CARTEIRA_VARIACAO, AGREEMENTS_CHECK_INTERVAL_SECONDS,
              AGREEMENTS_FULL_CHECK_SECONDS.
Secrets (tokens) come from the app Secret through "secretEnv" below.

The Deployment of one service. Besides "root" and "name" it takes:
  "env":       extra plain env of this service (e.g. the gateway's AGREEMENTS_ADDR);
  "secretEnv": list of extra env names read from the app Secret, each {name, optional}.
Container ports are fixed (the images listen there); only Service ports are configurable.
*/}}
{{- define "cordial.deployment" -}}
{{- $root := .root }}
{{- $v := index $root.Values (include "cordial.valuesKey" .name) }}
{{- if $v.enabled }}
{{- $g := $root.Values.global }}
{{- $ports := dict "grpc" 50051 "metrics" 9464 "http" 8080 }}
{{- $base := dict
      "KAFKA_BOOTSTRAP_SERVERS" (required "global.kafka.bootstrapServers is required" $g.kafka.bootstrapServers)
      "GRPC_PORT" (toString $ports.grpc)
      "METRICS_PORT" (toString $ports.metrics)
      "LOG_LEVEL" $g.logLevel
      "OUTBOX_SWEEP_SECONDS" (toString $g.outboxSweepSeconds) }}
{{- if $v.service.ports.http }}
{{- $_ := set $base "HTTP_PORT" (toString $ports.http) }}
{{- end }}
{{- /* Precedence: the values' env, then this service's wiring, then the base. */}}
{{- $env := merge (deepCopy ($v.env | default dict)) (.env | default dict) $base }}
{{- $secretEnv := concat (list
      (dict "name" "CORDIAL_DATA_KEY")
      (dict "name" "CORDIAL_LOOKUP_KEY"))
      (.secretEnv | default list) }}
{{- $annotations := deepCopy ($v.podAnnotations | default dict) }}
{{- if or (not $g.mongodb.existingSecret) (not $g.secrets.existingSecret) }}
{{- /* Roll the pods when the chart-managed Secret changes. */}}
{{- $_ := set $annotations "checksum/secret" (include (print $root.Template.BasePath "/secret.yaml") $root | sha256sum) }}
{{- end }}
apiVersion: apps/v1
kind: Deployment
metadata:
  name: {{ include "cordial.componentName" . }}
  labels:
    {{- include "cordial.labels" . | nindent 4 }}
spec:
  {{- if not $v.autoscaling.enabled }}
  replicas: {{ $v.replicaCount }}
  {{- end }}
  selector:
    matchLabels:
      {{- include "cordial.selectorLabels" . | nindent 6 }}
  strategy:
    # Start the new pod before stopping an old one, so a single replica rolls without downtime.
    type: RollingUpdate
    rollingUpdate:
      maxSurge: 1
      maxUnavailable: 0
  template:
    metadata:
      labels:
        {{- include "cordial.labels" . | nindent 8 }}
      {{- with $annotations }}
      annotations:
        {{- toYaml . | nindent 8 }}
      {{- end }}
    spec:
      serviceAccountName: {{ include "cordial.serviceAccountName" . }}
      # The services never call the Kubernetes API.
      automountServiceAccountToken: false
      # Service-link env vars (FOO_PORT=tcp://...) could shadow the app's own settings.
      enableServiceLinks: false
      {{- with $g.image.pullSecrets }}
      imagePullSecrets:
        {{- range . }}
        - name: {{ . }}
        {{- end }}
      {{- end }}
      securityContext:
        {{- toYaml $g.podSecurityContext | nindent 8 }}
      containers:
        - name: {{ .name }}
          image: {{ include "cordial.image" . | quote }}
          imagePullPolicy: {{ $v.image.pullPolicy }}
          securityContext:
            {{- toYaml $g.securityContext | nindent 12 }}
          ports:
            - name: grpc
              containerPort: {{ $ports.grpc }}
              protocol: TCP
            - name: metrics
              containerPort: {{ $ports.metrics }}
              protocol: TCP
            {{- if $v.service.ports.http }}
            - name: http
              containerPort: {{ $ports.http }}
              protocol: TCP
            {{- end }}
          env:
            {{- range $key := keys $env | sortAlpha }}
            {{- with index $env $key }}
            - name: {{ $key }}
              value: {{ toString . | quote }}
            {{- end }}
            {{- end }}
            - name: MONGODB_URI
              valueFrom:
                secretKeyRef:
                  name: {{ $g.mongodb.existingSecret | default (include "cordial.secretName" $root) }}
                  key: {{ ternary $g.mongodb.existingSecretKey "MONGODB_URI" (not (empty $g.mongodb.existingSecret)) }}
            {{- range $secretEnv }}
            - name: {{ .name }}
              valueFrom:
                secretKeyRef:
                  name: {{ include "cordial.appSecretName" $root }}
                  key: {{ .name }}
                  {{- if .optional }}
                  optional: true
                  {{- end }}
            {{- end }}
          # Native gRPC probes call grpc.health.v1.Health/Check with service "".
          livenessProbe:
            grpc:
              port: {{ $ports.grpc }}
            initialDelaySeconds: 10
            periodSeconds: 10
            timeoutSeconds: 2
            failureThreshold: 3
          readinessProbe:
            grpc:
              port: {{ $ports.grpc }}
            periodSeconds: 5
            timeoutSeconds: 2
            failureThreshold: 3
          resources:
            {{- toYaml $v.resources | nindent 12 }}
          volumeMounts:
            # The root filesystem is read-only; Python and its libraries still need a /tmp.
            - name: tmp
              mountPath: /tmp
      volumes:
        - name: tmp
          emptyDir:
            sizeLimit: 64Mi
      {{- with $v.nodeSelector }}
      nodeSelector:
        {{- toYaml . | nindent 8 }}
      {{- end }}
      {{- with $v.affinity }}
      affinity:
        {{- toYaml . | nindent 8 }}
      {{- end }}
      {{- with $v.tolerations }}
      tolerations:
        {{- toYaml . | nindent 8 }}
      {{- end }}
{{- end }}
{{- end }}

{{/* The ClusterIP (or other type) Service in front of one service's pods. */}}
{{- define "cordial.service" -}}
{{- $v := index .root.Values (include "cordial.valuesKey" .name) }}
{{- if $v.enabled }}
apiVersion: v1
kind: Service
metadata:
  name: {{ include "cordial.componentName" . }}
  labels:
    {{- include "cordial.labels" . | nindent 4 }}
spec:
  type: {{ $v.service.type }}
  selector:
    {{- include "cordial.selectorLabels" . | nindent 4 }}
  ports:
    - name: grpc
      port: {{ $v.service.ports.grpc }}
      targetPort: grpc
      protocol: TCP
      appProtocol: grpc
    - name: metrics
      port: {{ $v.service.ports.metrics }}
      targetPort: metrics
      protocol: TCP
      appProtocol: http
    {{- if $v.service.ports.http }}
    - name: http
      port: {{ $v.service.ports.http }}
      targetPort: http
      protocol: TCP
      appProtocol: http
    {{- end }}
{{- end }}
{{- end }}

{{- define "cordial.serviceAccount" -}}
{{- $v := index .root.Values (include "cordial.valuesKey" .name) }}
{{- if and $v.enabled $v.serviceAccount.create }}
apiVersion: v1
kind: ServiceAccount
metadata:
  name: {{ include "cordial.serviceAccountName" . }}
  labels:
    {{- include "cordial.labels" . | nindent 4 }}
  {{- with $v.serviceAccount.annotations }}
  annotations:
    {{- toYaml . | nindent 4 }}
  {{- end }}
automountServiceAccountToken: false
{{- end }}
{{- end }}

{{- define "cordial.hpa" -}}
{{- $v := index .root.Values (include "cordial.valuesKey" .name) }}
{{- if and $v.enabled $v.autoscaling.enabled }}
{{- $a := $v.autoscaling }}
apiVersion: autoscaling/v2
kind: HorizontalPodAutoscaler
metadata:
  name: {{ include "cordial.componentName" . }}
  labels:
    {{- include "cordial.labels" . | nindent 4 }}
spec:
  scaleTargetRef:
    apiVersion: apps/v1
    kind: Deployment
    name: {{ include "cordial.componentName" . }}
  minReplicas: {{ $a.minReplicas }}
  maxReplicas: {{ $a.maxReplicas }}
  metrics:
    {{- with $a.targetCPUUtilizationPercentage }}
    - type: Resource
      resource:
        name: cpu
        target:
          type: Utilization
          averageUtilization: {{ . }}
    {{- end }}
    {{- with $a.targetMemoryUtilizationPercentage }}
    - type: Resource
      resource:
        name: memory
        target:
          type: Utilization
          averageUtilization: {{ . }}
    {{- end }}
{{- end }}
{{- end }}

{{- define "cordial.pdb" -}}
{{- $v := index .root.Values (include "cordial.valuesKey" .name) }}
{{- if and $v.enabled $v.podDisruptionBudget.enabled }}
apiVersion: policy/v1
kind: PodDisruptionBudget
metadata:
  name: {{ include "cordial.componentName" . }}
  labels:
    {{- include "cordial.labels" . | nindent 4 }}
spec:
  maxUnavailable: {{ $v.podDisruptionBudget.maxUnavailable }}
  selector:
    matchLabels:
      {{- include "cordial.selectorLabels" . | nindent 6 }}
{{- end }}
{{- end }}
