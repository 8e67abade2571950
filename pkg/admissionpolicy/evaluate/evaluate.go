// Package evaluate judges a request by a ValidatingAdmissionPolicy outside
// the API server, for the CLI. It is apart from package admissionpolicy so
// that the servers, which only build policies, do not link the CEL library.
package evaluate

import (
	"fmt"
	"slices"

	"github.com/google/cel-go/cel"
	admissionregistrationv1 "k8s.io/api/admissionregistration/v1"
	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/labels"
	"k8s.io/apimachinery/pkg/runtime/schema"
)

// Request is what a ValidatingAdmissionPolicy is asked: an operation on an
// object (as JSON-shaped maps) of a resource in a namespace, by someone.
type Request struct {
	Resource          schema.GroupVersionResource
	Operation         admissionregistrationv1.OperationType
	Namespace         string
	NamespaceLabels   map[string]string
	Object, OldObject map[string]any
	Username          string
	Groups            []string
}

// Policy judges req by vap as the API server would, outside it: whether
// vap matches (its resource rules, namespace selector and match conditions)
// and the messages of the validations that fail. A validation that cannot
// be evaluated fails, as pave's policies fail closed. It is for the CLI,
// which judges before anything is written (pave preflight): the same
// expressions, evaluated by the CEL library the API server uses, with the
// standard functions only (pave's policies use no Kubernetes extensions). An
// error is an expression that does not compile. To judge many requests by
// one policy, Compile it once.
func Policy(vap *admissionregistrationv1.ValidatingAdmissionPolicy, req Request) (matched bool, failed []string, err error) {
	c, err := Compile(vap)
	if err != nil {
		return false, nil, err
	}
	return c.Judge(req)
}

// Compiled is a ValidatingAdmissionPolicy with its expressions compiled;
// it judges requests concurrently.
type Compiled struct {
	vap      *admissionregistrationv1.ValidatingAdmissionPolicy
	programs map[string]cel.Program // by expression
}

// Compile compiles every expression of vap; an error names the one that
// does not compile.
func Compile(vap *admissionregistrationv1.ValidatingAdmissionPolicy) (*Compiled, error) {
	env, err := cel.NewEnv(
		cel.Variable("object", cel.DynType), cel.Variable("oldObject", cel.DynType),
		cel.Variable("request", cel.DynType), cel.Variable("params", cel.DynType),
		cel.Variable("namespaceObject", cel.DynType),
		cel.Variable("variables", cel.MapType(cel.StringType, cel.DynType)),
	)
	if err != nil {
		return nil, err
	}
	var exprs []string
	for _, c := range vap.Spec.MatchConditions {
		exprs = append(exprs, c.Expression)
	}
	for _, v := range vap.Spec.Variables {
		if !celIdentifier(v.Name) {
			return nil, fmt.Errorf("ValidatingAdmissionPolicy %s: variable %q: the API server refuses a name that is not a CEL identifier or is one of CEL's reserved words", vap.Name, v.Name)
		}
		exprs = append(exprs, v.Expression)
	}
	for _, v := range vap.Spec.Validations {
		exprs = append(exprs, v.Expression)
		if v.MessageExpression != "" {
			exprs = append(exprs, v.MessageExpression)
		}
	}
	c := &Compiled{vap: vap, programs: make(map[string]cel.Program, len(exprs))}
	for _, expr := range exprs {
		ast, iss := env.Compile(expr)
		if iss.Err() != nil {
			return nil, fmt.Errorf("ValidatingAdmissionPolicy %s: %q: %w", vap.Name, expr, iss.Err())
		}
		if c.programs[expr], err = env.Program(ast); err != nil {
			return nil, fmt.Errorf("ValidatingAdmissionPolicy %s: %q: %w", vap.Name, expr, err)
		}
	}
	return c, nil
}

// CompileAll compiles each of vaps, to judge a run's requests by.
func CompileAll(vaps []*admissionregistrationv1.ValidatingAdmissionPolicy) ([]*Compiled, error) {
	out := make([]*Compiled, len(vaps))
	for i, vap := range vaps {
		c, err := Compile(vap)
		if err != nil {
			return nil, err
		}
		out[i] = c
	}
	return out, nil
}

// Name is the policy's name.
func (c *Compiled) Name() string { return c.vap.Name }

// Matches reports whether the policy's resource rules and namespace
// selector take req; the object is not read, so a caller may decode it only
// for the policies that match.
func (c *Compiled) Matches(req Request) bool { return matches(c.vap, req) }

// Judge judges req as Policy does.
func (c *Compiled) Judge(req Request) (matched bool, failed []string, err error) {
	vap := c.vap
	if !matches(vap, req) {
		return false, nil, nil
	}
	vars := map[string]any{}
	in := map[string]any{"object": inNamespace(req.Object, req.Namespace), "oldObject": inNamespace(req.OldObject, req.Namespace), "request": requestOf(req), "params": nil,
		"namespaceObject": map[string]any{"metadata": map[string]any{"name": req.Namespace, "labels": stringMap(req.NamespaceLabels)}}, "variables": vars}
	eval := func(expr string) any {
		out, _, err := c.programs[expr].Eval(in)
		if err != nil {
			return nil // a runtime error: the caller fails closed
		}
		return out.Value()
	}
	for _, mc := range vap.Spec.MatchConditions {
		if eval(mc.Expression) == false {
			return false, nil, nil
		}
	}
	// Variables are evaluated in order, so each may use those before it; one
	// that fails is left out, and what uses it fails.
	for _, v := range vap.Spec.Variables {
		if val := eval(v.Expression); val != nil {
			vars[v.Name] = val
		}
	}
	for _, v := range vap.Spec.Validations {
		if eval(v.Expression) == true {
			continue
		}
		msg := v.Message
		if v.MessageExpression != "" {
			if s, isString := eval(v.MessageExpression).(string); isString {
				msg = s
			}
		}
		if msg == "" {
			msg = "failed expression: " + v.Expression
		}
		failed = append(failed, msg)
	}
	return true, failed, nil
}

// matches reports whether vap's resource rules and namespace selector take
// req; the object is not read.
func matches(vap *admissionregistrationv1.ValidatingAdmissionPolicy, req Request) bool {
	m := vap.Spec.MatchConstraints
	if m == nil {
		return false
	}
	if m.NamespaceSelector != nil && req.Namespace != "" {
		sel, err := metav1.LabelSelectorAsSelector(m.NamespaceSelector)
		if err != nil {
			return true // the API server refuses such a policy; judge rather than skip
		}
		set := labels.Set{corev1.LabelMetadataName: req.Namespace}
		for k, v := range req.NamespaceLabels {
			set[k] = v
		}
		if !sel.Matches(set) {
			return false
		}
	}
	in := func(list []string, s string) bool { return slices.Contains(list, "*") || slices.Contains(list, s) }
	return slices.ContainsFunc(m.ResourceRules, func(r admissionregistrationv1.NamedRuleWithOperations) bool {
		return (slices.Contains(r.Operations, admissionregistrationv1.OperationAll) || slices.Contains(r.Operations, req.Operation)) &&
			in(r.APIGroups, req.Resource.Group) && in(r.APIVersions, req.Resource.Version) && in(r.Resources, req.Resource.Resource)
	})
}

func requestOf(req Request) map[string]any {
	name := ""
	if req.Object != nil {
		name, _ = nestedString(req.Object, "metadata", "name")
	} else if req.OldObject != nil {
		name, _ = nestedString(req.OldObject, "metadata", "name")
	}
	groups := make([]any, len(req.Groups))
	for i, g := range req.Groups {
		groups[i] = g
	}
	return map[string]any{
		"operation": string(req.Operation), "namespace": req.Namespace, "name": name,
		"resource": map[string]any{"group": req.Resource.Group, "version": req.Resource.Version, "resource": req.Resource.Resource},
		"userInfo": map[string]any{"username": req.Username, "groups": groups},
	}
}

func nestedString(m map[string]any, path ...string) (string, bool) {
	var cur any = m
	for _, p := range path {
		mm, ok := cur.(map[string]any)
		if !ok {
			return "", false
		}
		cur = mm[p]
	}
	s, ok := cur.(string)
	return s, ok
}

func stringMap(m map[string]string) map[string]any {
	out := make(map[string]any, len(m))
	for k, v := range m {
		out[k] = v
	}
	return out
}

// inNamespace is the object as the API server hands it to a policy: in the
// request's namespace (which a manifest may leave out), or null when absent
// (a create's oldObject). The caller's maps are left as they are.
func inNamespace(obj map[string]any, ns string) any {
	if obj == nil {
		return nil
	}
	if _, set := nestedString(obj, "metadata", "namespace"); set || ns == "" {
		return obj
	}
	out := make(map[string]any, len(obj))
	for k, v := range obj {
		out[k] = v
	}
	meta := map[string]any{"namespace": ns}
	if m, ok := obj["metadata"].(map[string]any); ok {
		for k, v := range m {
			meta[k] = v
		}
		meta["namespace"] = ns
	}
	out["metadata"] = meta
	return out
}

// celIdentifier is the API server's test of a variable's name: an
// identifier of CEL's grammar ([_a-zA-Z][_a-zA-Z0-9]*), none of its
// reserved words ("namespace" is one).
func celIdentifier(name string) bool {
	for i, r := range name {
		if r != '_' && !('a' <= r && r <= 'z') && !('A' <= r && r <= 'Z') && (i == 0 || !('0' <= r && r <= '9')) {
			return false
		}
	}
	return name != "" && !slices.Contains([]string{"true", "false", "null", "in", "as", "break", "const", "continue", "else",
		"for", "function", "if", "import", "let", "loop", "package", "namespace", "return", "var", "void", "while"}, name)
}
