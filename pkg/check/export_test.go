package check

// APIDefaults is apiDefaults, for the tests that default what pave check
// renders as the API server would store it.
var APIDefaults = apiDefaults

// KubernetesMinor is kubernetesMinor, for the test that holds it to the
// k8s.io/api module go.mod names.
const KubernetesMinor = kubernetesMinor
