{{/* The image both roles run. */}}
{{- define "pave.image" -}}
{{ .Values.image.repository }}:{{ .Values.image.tag | default .Chart.AppVersion }}
{{- end -}}

{{/* Labels of a component: the same as manifests/deploy, plus the chart. */}}
{{- define "pave.labels" -}}
app.kubernetes.io/name: {{ .name }}
app.kubernetes.io/part-of: pave
app.kubernetes.io/component: {{ .component }}
helm.sh/chart: {{ .root.Chart.Name }}-{{ .root.Chart.Version | replace "+" "_" }}
{{- end -}}

{{/* The control plane's namespaces (v1alpha1.SystemNamespaces): never
governed, whatever webhooks.excludeNamespaces says. A fail-closed webhook
there keeps the cluster from recovering its own pods while pave is down. */}}
{{- define "pave.systemNamespaces" -}}
{{- list "kube-system" "kube-public" "kube-node-lease" | toJson -}}
{{- end -}}

{{/* The namespaces no webhook of pave's matches: the control plane's,
webhooks.excludeNamespaces and the release's. */}}
{{- define "pave.namespaceSelector" -}}
namespaceSelector:
  matchExpressions:
  - key: kubernetes.io/metadata.name
    operator: NotIn
    values: {{ concat (include "pave.systemNamespaces" . | fromJsonArray) (.Values.webhooks.excludeNamespaces | default list) (list .Release.Namespace) | uniq | toJson }}
{{- end -}}

{{/* Both roles' --exclude-namespaces: the namespaces the webhooks exclude
beyond those pave never governs anyway, so that the controller writes
nothing where the webhooks do not look and admission never judges there. */}}
{{- define "pave.excludeNamespaces" -}}
{{- $never := append (include "pave.systemNamespaces" . | fromJsonArray) .Release.Namespace -}}
{{- $extra := list -}}
{{- range .Values.webhooks.excludeNamespaces | default list | uniq -}}
{{- if not (has . $never) }}{{ $extra = append $extra . }}{{ end -}}
{{- end -}}
{{- with $extra -}}
, "--exclude-namespaces={{ join "," . }}"
{{- end -}}
{{- end -}}

{{/* A container's hardened security context. */}}
{{- define "pave.securityContext" -}}
securityContext:
  allowPrivilegeEscalation: false
  readOnlyRootFilesystem: true
  capabilities: {drop: [ALL]}
{{- end -}}

{{/* The server's --certificates: managed, or files kept by cert-manager. */}}
{{- define "pave.certificates" -}}
{{ if eq .Values.certificates.mode "cert-manager" }}files{{ else }}managed{{ end }}
{{- end -}}

{{/* cert-manager injects the CA of the Certificate pave-webhook. */}}
{{- define "pave.injectCA" -}}
{{- if eq .Values.certificates.mode "cert-manager" }}
  annotations: {cert-manager.io/inject-ca-from: {{ .Release.Namespace }}/pave-webhook}
{{- end }}
{{- end -}}

{{/* pave.heapBudget: the --heap-budget argument of a component's heapBudget
value, nothing when it is unset ("" or null); a number is bytes (0 is Go's
default), written whole whether it came from --set or a values file. */}}
{{- define "pave.heapBudget" -}}
{{- if kindIs "float64" . }}, --heap-budget={{ int64 . }}
{{- else if not (kindIs "invalid" .) }}{{ with toString . }}, --heap-budget={{ . }}{{ end }}
{{- end }}
{{- end }}
