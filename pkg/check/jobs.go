package check

import (
	"fmt"

	batchv1 "k8s.io/api/batch/v1"
	corev1 "k8s.io/api/core/v1"
	"k8s.io/apimachinery/pkg/util/validation/field"

	"github.com/pave-dev/pave/pkg/workload"
)

// jobRestartPolicy is the API server's finding on the restart policy of a
// Job's pod template, a CronJob's Job's included, which it judges after the
// template (Kubernetes 1.37, validateJobSpec in pkg/apis/batch/validation):
// a Job's pods must end, so OnFailure or Never, and Never alone beside a
// podFailurePolicy. A Job written without one, as a Deployment's template
// is, is a common slip; pave check passed it and kubectl apply then failed.
func jobRestartPolicy(w *workload.Workload) field.ErrorList {
	var spec *batchv1.JobSpec
	switch o := w.Object.(type) {
	case *batchv1.Job:
		spec = &o.Spec
	case *batchv1.CronJob:
		spec = &o.Spec.JobTemplate.Spec
	default:
		return nil
	}
	at := specPath(w.PodSpecPath).Child("restartPolicy")
	valid := []corev1.RestartPolicy{corev1.RestartPolicyOnFailure, corev1.RestartPolicyNever}
	switch policy := spec.Template.Spec.RestartPolicy; {
	case policy == corev1.RestartPolicyAlways || policy == "": // the API server defaults "" to Always
		return field.ErrorList{field.Required(at, fmt.Sprintf("valid values: %q, %q", valid[0], valid[1]))}
	case policy != corev1.RestartPolicyOnFailure && policy != corev1.RestartPolicyNever:
		return field.ErrorList{field.NotSupported(at, policy, valid)}
	case spec.PodFailurePolicy != nil && policy != corev1.RestartPolicyNever:
		return field.ErrorList{field.Invalid(at, policy, fmt.Sprintf("only %q is supported when podFailurePolicy is specified", corev1.RestartPolicyNever))}
	}
	return nil
}
