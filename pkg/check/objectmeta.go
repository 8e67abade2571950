package check

import (
	"fmt"
	"strings"

	apimachineryvalidation "k8s.io/apimachinery/pkg/api/validation"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/util/validation/field"

	"github.com/pave-dev/pave/pkg/manifest"
)

// cronJobNameMax leaves room for the suffix the CronJob controller gives
// each Job (a Job's name is at most 63 characters).
const cronJobNameMax = 52

// nameRule is the rule the API server holds a judged kind's name to on
// create (Kubernetes 1.37, pkg/apis/*/validation): most names are DNS
// subdomains; a StatefulSet's (its pods' hostnames), a Service's (a DNS
// label since RelaxedServiceNameValidation) and a Namespace's
// (ValidateNamespaceName) are DNS labels.
func nameRule(kind string) apimachineryvalidation.ValidateNameFunc {
	switch kind {
	case "StatefulSet", "Service", "Namespace":
		return apimachineryvalidation.NameIsDNSLabel
	}
	return apimachineryvalidation.NameIsDNSSubdomain
}

// invalidObject is the API server's refusal of an object without a pod
// template on create, in its words, or nil: its name and owner references
// (ValidateObjectMeta's findings), a ConfigMap's data, and what a Service
// or an Ingress cannot be without (specErrors). The API server validates
// the metadata with the rest of the object, after the mutating webhooks; a
// workload's metadata findings come first in its template's
// (invalidTemplate).
func invalidObject(kind string, obj any) error {
	meta := metaOf(obj)
	errs := append(metaErrors(kind, meta), configMapErrors(obj)...)
	errs = append(errs, specErrors(obj)...)
	if len(errs) == 0 {
		return nil
	}
	return fmt.Errorf("%s %q is invalid: %w: the API server refuses it after mutating admission", kind, manifest.Called(meta.Name, meta.GenerateName), errs.ToAggregate())
}

// metaErrors are the API server's findings on an object's name or
// generateName and its owner references, in its order. Not labels and
// annotations: they are left to the API server, whose regular expressions
// on every label were 3 % of pave check's time. Owner references cost
// nothing where there are none, as in nearly every manifest, and one
// written by hand (without a uid, or a second controller) passed pave
// check to be refused at deploy (Kyverno's test resources).
func metaErrors(kind string, meta *metav1.ObjectMeta) field.ErrorList {
	if meta == nil {
		return nil
	}
	rule, path := nameRule(kind), field.NewPath("metadata")
	var errs field.ErrorList
	if meta.GenerateName != "" {
		for _, msg := range rule(meta.GenerateName, true) {
			errs = append(errs, field.Invalid(path.Child("generateName"), meta.GenerateName, msg))
		}
	}
	switch {
	case meta.Name == "" && meta.GenerateName == "":
		errs = append(errs, field.Required(path.Child("name"), "name or generateName is required"))
	case meta.Name != "":
		for _, msg := range rule(meta.Name, false) {
			errs = append(errs, field.Invalid(path.Child("name"), meta.Name, msg))
		}
		if kind == "CronJob" && len(meta.Name) > cronJobNameMax {
			errs = append(errs, field.Invalid(path.Child("name"), meta.Name, fmt.Sprintf("must be no more than %d characters", cronJobNameMax)))
		}
	}
	if len(meta.OwnerReferences) > 0 {
		errs = append(errs, apimachineryvalidation.ValidateOwnerReferences(meta.OwnerReferences, path.Child("ownerReferences"))...)
	}
	return errs
}

// metaOf is a typed object's metadata, or nil.
func metaOf(obj any) *metav1.ObjectMeta {
	if a, ok := obj.(metav1.ObjectMetaAccessor); ok {
		m, _ := a.GetObjectMeta().(*metav1.ObjectMeta)
		return m
	}
	return nil
}

// NamespaceNameError says why no namespace can be named ns, or is nil:
// an empty ns (none named) and any name a namespace can have.
func NamespaceNameError(ns string) error {
	if ns == "" {
		return nil
	}
	if msgs := apimachineryvalidation.ValidateNamespaceName(ns, false); len(msgs) > 0 {
		return fmt.Errorf("no namespace can be named %q: %s", ns, strings.Join(msgs, "; "))
	}
	return nil
}

// namespaceError is the API server's refusal of an object in a namespace
// no namespace can be named (Bad_NS), in its words, or nil. Such a
// namespace never exists, so the API server refuses the object at
// admission (NamespaceLifecycle: not found), before any webhook; whether
// one that may exist does is the cluster's to know.
func namespaceError(ns string) error {
	if err := NamespaceNameError(ns); err != nil {
		return fmt.Errorf("namespaces %q not found (metadata.namespace): %w", ns, err)
	}
	return nil
}
