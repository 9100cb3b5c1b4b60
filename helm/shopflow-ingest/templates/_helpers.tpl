{{/* The chart's name, shortened to fit Kubernetes' 63 characters. */}}
{{- define "shopflow-ingest.name" -}}
{{- default .Chart.Name .Values.nameOverride | trunc 63 | trimSuffix "-" }}
{{- end }}

{{/* Release-qualified name; the release name alone when it already contains the chart's name. */}}
{{- define "shopflow-ingest.fullname" -}}
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

{{- define "shopflow-ingest.labels" -}}
helm.sh/chart: {{ printf "%s-%s" .Chart.Name .Chart.Version | replace "+" "_" | trunc 63 | trimSuffix "-" }}
app.kubernetes.io/name: {{ include "shopflow-ingest.name" . }}
app.kubernetes.io/instance: {{ .Release.Name }}
app.kubernetes.io/version: {{ .Chart.AppVersion | quote }}
app.kubernetes.io/managed-by: {{ .Release.Service }}
{{- end }}

{{/* The service account of the task pods (the DAGs' SHOPFLOW_SERVICE_ACCOUNT). */}}
{{- define "shopflow-ingest.taskServiceAccountName" -}}
{{- if .Values.taskServiceAccount.create }}
{{- default (printf "%s-task" (include "shopflow-ingest.fullname" .)) .Values.taskServiceAccount.name }}
{{- else }}
{{- required "taskServiceAccount.name is required when taskServiceAccount.create is false" .Values.taskServiceAccount.name }}
{{- end }}
{{- end }}

{{/* Where Airflow runs: the DAG ConfigMap and the pool Job go there. */}}
{{- define "shopflow-ingest.airflowNamespace" -}}
{{- default .Release.Namespace .Values.airflow.namespace }}
{{- end }}

{{/* An image reference: repository@digest when a digest is set, else repository:tag. */}}
{{- define "shopflow-ingest.image" -}}
{{- if .digest }}
{{- printf "%s@%s" .repository .digest }}
{{- else }}
{{- printf "%s:%s" .repository .tag }}
{{- end }}
{{- end }}

{{/* Airflow's metadata database connection, from the official chart's Secret (never a value here). */}}
{{- define "shopflow-ingest.airflowDbEnv" -}}
- name: AIRFLOW__DATABASE__SQL_ALCHEMY_CONN
  valueFrom:
    secretKeyRef:
      name: {{ .Values.airflow.metadataSecret.name }}
      key: {{ .Values.airflow.metadataSecret.key }}
{{- end }}

{{/* Chunks per table as the DAGs read them: "customers=1,orders=4" (integers, not floats from YAML). */}}
{{- define "shopflow-ingest.chunks" -}}
{{- $pairs := list }}
{{- range $table, $n := . }}{{ $pairs = append $pairs (printf "%s=%d" $table (int $n)) }}{{ end }}
{{- join "," $pairs }}
{{- end }}

{{/* The ConfigMap entries the chart sets itself (dag.extraEnv adds to them). */}}
{{- define "shopflow-ingest.dagConfigData" -}}
{{- $s := .Values.secrets }}
SHOPFLOW_RUNNER: {{ .Values.dag.runner | quote }}
SHOPFLOW_SCHEDULE: {{ .Values.dag.schedule | quote }}
SHOPFLOW_START_DATE: {{ .Values.dag.startDate | quote }}
SHOPFLOW_CATCHUP: {{ .Values.dag.catchup | quote }}
SHOPFLOW_MAX_ACTIVE_RUNS: {{ .Values.dag.maxActiveRuns | quote }}
SHOPFLOW_NAMESPACE: {{ .Release.Namespace | quote }}
SHOPFLOW_SERVICE_ACCOUNT: {{ include "shopflow-ingest.taskServiceAccountName" . | quote }}
SHOPFLOW_IMAGE_EXTRACT_DB: {{ include "shopflow-ingest.image" .Values.images.extractDb | quote }}
SHOPFLOW_IMAGE_EXTRACT_API: {{ include "shopflow-ingest.image" .Values.images.extractApi | quote }}
SHOPFLOW_IMAGE_LAND_FILES: {{ include "shopflow-ingest.image" .Values.images.landFiles | quote }}
SHOPFLOW_IMAGE_PULL_POLICY: {{ .Values.images.pullPolicy | quote }}
SHOPFLOW_RESOURCES_EXTRACT_DB: {{ .Values.taskResources.extractDb | toJson | quote }}
SHOPFLOW_RESOURCES_EXTRACT_API: {{ .Values.taskResources.extractApi | toJson | quote }}
SHOPFLOW_RESOURCES_LAND_FILES: {{ .Values.taskResources.landFiles | toJson | quote }}
SHOPFLOW_TASK_ENV: {{ .Values.taskEnv | toJson | quote }}
SHOPFLOW_SOURCE_DB_SECRET: {{ $s.sourceDb.name | quote }}
SHOPFLOW_SECRET_KEY_SOURCE_DB_URL: {{ $s.sourceDb.urlKey | quote }}
SHOPFLOW_SECRET_KEY_SOURCE_DB_USER: {{ $s.sourceDb.userKey | quote }}
SHOPFLOW_SECRET_KEY_SOURCE_DB_PASSWORD: {{ $s.sourceDb.passwordKey | quote }}
SHOPFLOW_WAREHOUSE_DB_SECRET: {{ $s.warehouseDb.name | quote }}
SHOPFLOW_SECRET_KEY_WAREHOUSE_DB_URL: {{ $s.warehouseDb.urlKey | quote }}
SHOPFLOW_SECRET_KEY_WAREHOUSE_DB_USER: {{ $s.warehouseDb.userKey | quote }}
SHOPFLOW_SECRET_KEY_WAREHOUSE_DB_PASSWORD: {{ $s.warehouseDb.passwordKey | quote }}
SHOPFLOW_PRODUCTS_API_SECRET: {{ $s.productsApi.name | quote }}
SHOPFLOW_SECRET_KEY_PRODUCTS_API_URL: {{ $s.productsApi.urlKey | quote }}
SHOPFLOW_SECRET_KEY_PRODUCTS_API_TOKEN: {{ $s.productsApi.tokenKey | quote }}
SHOPFLOW_FILE_DROP_CLAIM: {{ .Values.fileDrop.claimName | quote }}
SHOPFLOW_FILE_DROP_MOUNT: {{ .Values.fileDrop.mountPath | quote }}
SHOPFLOW_DB_CHUNKS: {{ include "shopflow-ingest.chunks" .Values.dag.chunks | quote }}
SHOPFLOW_MAX_PARALLEL_CHUNKS: {{ .Values.dag.maxParallelChunks | quote }}
SHOPFLOW_LOOKBACK_DAYS: {{ .Values.dag.lookbackDays | quote }}
SHOPFLOW_RETRIES: {{ .Values.dag.retries.count | quote }}
SHOPFLOW_RETRIES_DELAY_SECONDS: {{ .Values.dag.retries.delaySeconds | quote }}
SHOPFLOW_RETRIES_MAX_DELAY_SECONDS: {{ .Values.dag.retries.maxDelaySeconds | quote }}
SHOPFLOW_FILES_RETRIES: {{ .Values.dag.filesRetries.count | quote }}
SHOPFLOW_FILES_RETRIES_DELAY_SECONDS: {{ .Values.dag.filesRetries.delaySeconds | quote }}
SHOPFLOW_FILES_RETRIES_MAX_DELAY_SECONDS: {{ .Values.dag.filesRetries.maxDelaySeconds | quote }}
SHOPFLOW_EXECUTION_TIMEOUT_SECONDS: {{ .Values.dag.executionTimeoutSeconds | quote }}
SHOPFLOW_POOL_SOURCE_DB: {{ .Values.dag.pools.sourceDb | quote }}
SHOPFLOW_POOL_PRODUCTS_API: {{ .Values.dag.pools.productsApi | quote }}
SHOPFLOW_POOL_FILE_DROP: {{ .Values.dag.pools.fileDrop | quote }}
{{- end }}
