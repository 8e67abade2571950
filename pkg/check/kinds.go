package check

import (
	"fmt"
	"strings"

	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/runtime/schema"
	"k8s.io/apimachinery/pkg/version"
	clientgoscheme "k8s.io/client-go/kubernetes/scheme"

	"github.com/pave-dev/pave/pkg/manifest"
	"github.com/pave-dev/pave/pkg/object"
)

// unservedKind is the input error for an object of a built-in API group that
// the API server pave check stands in for does not serve: a kind or version
// Kubernetes does not have (a typo: kind: Deploymnet, or apps/v2), or a
// prerelease version it has stopped serving (networking.k8s.io/v1beta1
// Ingress). kubectl finds no resource for it and sends nothing (or, for a
// kind in the wrong case, sends it and the API server cannot decode it),
// where pave check would pass it unjudged as a kind it does not govern.
// Only the groups client-go's scheme knows are judged: no custom resource
// can join them (a CustomResourceDefinition's group has a dot, and the
// groups under k8s.io are reviewed upstream), while any other group may be
// one the cluster has.
func unservedKind(apiVersion, kind, name string) error {
	gv, err := schema.ParseGroupVersion(apiVersion)
	if err != nil || kind == "" || !clientgoscheme.Scheme.IsGroupRegistered(gv.Group) {
		return nil // the manifest reader refuses an apiVersion that does not parse
	}
	if clientgoscheme.Scheme.Recognizes(gv.WithKind(kind)) {
		if minor, instead, ok := removedIn(gv.WithKind(kind)); ok {
			hint := fmt.Sprintf("Kubernetes 1.%d serves no version of it", kubernetesMinor)
			switch v := newestServed(gv.Group, kind); {
			case !instead.Empty():
				hint = "write apiVersion: " + instead.GroupVersion().String()
				if instead.Kind != kind {
					hint += " and kind: " + instead.Kind
				}
			case v != "":
				hint = "write apiVersion: " + v
			}
			return fmt.Errorf("%s %q: no matches for kind %q in version %q: the API server stopped serving it in Kubernetes 1.%d; %s",
				kind, name, kind, apiVersion, minor, hint)
		}
		return nil
	}
	for k := range clientgoscheme.Scheme.KnownTypes(gv) {
		if strings.EqualFold(k, kind) {
			// kubectl finds the resource whatever the case and sends it;
			// the API server's decoder then refuses it, in these words.
			return fmt.Errorf("%s %q: %s in version %q cannot be handled as a %s: no kind %q is registered for version %q: write kind: %s",
				kind, name, kind, gv.Version, k, kind, apiVersion, k)
		}
	}
	return fmt.Errorf("%s %q: no matches for kind %q in version %q: %s", kind, name, kind, apiVersion, kindHint(gv, kind))
}

// kubernetesMinor is the Kubernetes release whose API pave links (k8s.io/api
// v0.37): the API server pave check stands in for.
const kubernetesMinor = 37

// removedIn is the Kubernetes 1.x release that stopped serving a prerelease
// version of a kind, when it is this release or an earlier one, and what
// replaces it where the type says. The API server decides by the same
// generated lifecycle (k8s.io/apiserver, deleted_kinds.go), and client-go
// keeps the types long after (networking.k8s.io/v1beta1 Ingress, gone in
// 1.22).
func removedIn(gvk schema.GroupVersionKind) (minor int, instead schema.GroupVersionKind, ok bool) {
	if !strings.Contains(gvk.Version, "alpha") && !strings.Contains(gvk.Version, "beta") {
		return 0, instead, false // a GA version is never removed
	}
	obj, err := clientgoscheme.Scheme.New(gvk)
	if err != nil {
		return 0, instead, false
	}
	l, ok := obj.(interface{ APILifecycleRemoved() (major, minor int) })
	if !ok {
		return 0, instead, false
	}
	if r, ok := obj.(interface {
		APILifecycleReplacement() schema.GroupVersionKind
	}); ok {
		instead = r.APILifecycleReplacement()
	}
	major, minor := l.APILifecycleRemoved()
	return minor, instead, major == 1 && minor > 0 && minor <= kubernetesMinor
}

// kindHint says what the author of an unknown kind or version likely meant:
// the kind in the newest version of the group that serves it, or a kind of
// the version spelled alike.
func kindHint(gv schema.GroupVersion, kind string) string {
	if v := newestServed(gv.Group, kind); v != "" {
		return "write apiVersion: " + v
	}
	best, distance := "", 3 // at most two edits away
	for k := range clientgoscheme.Scheme.KnownTypes(gv) {
		if d := editDistance(strings.ToLower(kind), strings.ToLower(k)); d < distance || (d == distance && k < best) {
			best, distance = k, d
		}
	}
	if best != "" {
		return "did you mean kind: " + best + "?"
	}
	return fmt.Sprintf("%s has no kind of that name; check kind and apiVersion against kubectl api-resources", gv.String())
}

// newestServed is the apiVersion of the newest version of group that has
// kind and is not removed, or "".
func newestServed(group, kind string) string {
	newest := ""
	for _, v := range clientgoscheme.Scheme.VersionsForGroupKind(schema.GroupKind{Group: group, Kind: kind}) {
		if _, _, gone := removedIn(v.WithKind(kind)); gone {
			continue
		}
		if newest == "" || version.CompareKubeAwareVersionStrings(v.Version, newest) > 0 {
			newest = v.Version
		}
	}
	if newest == "" {
		return ""
	}
	return schema.GroupVersion{Group: group, Version: newest}.String()
}

// editDistance is the Levenshtein distance between a and b, in bytes: kind
// names are ASCII.
func editDistance(a, b string) int {
	prev := make([]int, len(b)+1)
	for j := range prev {
		prev[j] = j
	}
	for i := 1; i <= len(a); i++ {
		cur := make([]int, len(b)+1)
		cur[0] = i
		for j := 1; j <= len(b); j++ {
			cost := 1
			if a[i-1] == b[j-1] {
				cost = 0
			}
			cur[j] = min(prev[j]+1, cur[j-1]+1, prev[j-1]+cost)
		}
		prev = cur
	}
	return prev[len(b)]
}

// unjudged reads an object of a built-in kind pave's rules do not govern (a
// NetworkPolicy, a Role) as the API server reads it before any admission:
// kubectl's strict field validation refuses its unknown fields, and the API
// server a value of the wrong type. Kinds of other groups may be the
// cluster's custom resources, whose schemas pave check does not have, and
// pass as they are.
func unjudged(o *manifest.Object, gvk schema.GroupVersionKind, r *Object) error {
	if obj, err := clientgoscheme.Scheme.New(gvk); err != nil {
		return nil // not a kind of Kubernetes' own groups
	} else if _, ok := obj.(metav1.Object); !ok {
		return nil // not a resource kubectl creates (DeleteOptions, Status)
	}
	obj, unknown, err := object.DecodeKnown(gvk, o.JSON)
	if err != nil {
		return err
	}
	if gvk.Group == "" && gvk.Kind == "Namespace" { // the input's objects are judged in it: a name it cannot have is refused
		if err := invalidObject(gvk.Kind, obj); err != nil {
			return err
		}
	}
	r.UnknownFields = unknown
	return nil
}
