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

{{/* One entry of the sidecar injector (mutatingwebhookconfiguration.yaml says which pods each one sees). */}}
{{- define "mesh.webhookEntry" }}
  - name: {{ .name }}.sidecar-injector.mesh.io
    admissionReviewVersions: ["v1"]
    sideEffects: None
    timeoutSeconds: {{ .timeoutSeconds }}
    reinvocationPolicy: IfNeeded
    failurePolicy: {{ .failurePolicy }}
    clientConfig:
      service:
        name: mesh-operator
        namespace: {{ .namespace }}
        path: /inject
        port: 443
      # Left empty: the operator (or cert-manager's CA injector) fills in the CA that signed the serving certificate.
      caBundle: ""
    rules:
      - operations: ["CREATE"]
        apiGroups: [""]
        apiVersions: ["v1"]
        resources: ["pods"]
        scope: Namespaced
    namespaceSelector:
      matchExpressions:
        # The operator's own pods must never wait for the operator; kube-system is never injected.
        - key: kubernetes.io/metadata.name
          operator: NotIn
          values: [{{ .namespace | quote }}, "kube-system"]
        - key: mesh.io/injection
          {{- if eq .name "namespace" }}
          operator: In
          values: ["enabled"]
          {{- else }}
          operator: NotIn
          values: ["enabled", "disabled"]
          {{- end }}
    objectSelector:
      matchExpressions:
        - key: mesh.io/inject
          {{- if eq .name "namespace" }}
          operator: NotIn
          values: ["false"]
          {{- else if eq .name "pod-label" }}
          operator: In
          values: ["true"]
          {{- else }}
          operator: NotIn
          values: ["true", "false"]
          {{- end }}
{{- end }}
