{{/* Labels every object of the chart carries. */}}
{{- define "mesh.labels" -}}
app.kubernetes.io/name: mesh-operator
app.kubernetes.io/instance: {{ .Release.Name }}
app.kubernetes.io/version: {{ .Chart.AppVersion | quote }}
app.kubernetes.io/managed-by: {{ .Release.Service }}
helm.sh/chart: {{ printf "%s-%s" .Chart.Name .Chart.Version }}
{{- end }}

{{/* The labels that select the operator's pods (immutable in the Deployment's selector). */}}
{{- define "mesh.selectorLabels" -}}
app.kubernetes.io/name: mesh-operator
app.kubernetes.io/instance: {{ .Release.Name }}
{{- end }}
