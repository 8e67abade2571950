package secrets

import (
	"context"
	"fmt"
	"strconv"

	admissionregistrationv1 "k8s.io/api/admissionregistration/v1"
	"k8s.io/apimachinery/pkg/runtime/schema"

	"github.com/pave-dev/pave/pkg/admissionpolicy"
	"github.com/pave-dev/pave/pkg/api/v1alpha1"
	"github.com/pave-dev/pave/pkg/policy"
)

// GuardName names the ValidatingAdmissionPolicy that keeps each namespace
// to its own keys of the policy's store, and its binding.
const GuardName = "pave-secret-store-keys"

// Guard generates, when the policy names a store, the ValidatingAdmissionPolicy
// that keeps a namespace to its own part of it. The store holds every
// namespace's Secrets (at <namespace>/<secret>), and the External Secrets
// Operator's chart aggregates ExternalSecrets and PushSecrets into the
// built-in edit role: without the guard a team member reads another team's
// Secret with an ExternalSecret of their own, or overwrites it with a
// PushSecret. In the governed namespaces, an ExternalSecret or PushSecret
// that uses the store (its own reference, or a data item's) may only name
// keys under its namespace, and may not search the store (dataFrom.find).
// The platform team (the label admins and system:masters) may name any, and
// so may the operator's service accounts, which write what the platform's
// ClusterExternalSecrets ask for.
// pave's own ExternalSecrets name the namespace's keys and pass.
type Guard struct {
	v1alpha1.Install
}

// Name implements engine.ClusterGenerator.
func (Guard) Name() string { return "secret-store-guard" }

// Kinds implements engine.ClusterGenerator.
func (Guard) Kinds() []schema.GroupVersionKind { return admissionpolicy.Kinds() }

// GenerateCluster implements engine.ClusterGenerator.
func (g Guard) GenerateCluster(_ context.Context, p *policy.Policy) ([]object, error) {
	store := p.Spec.Secrets.Store
	if store == "" {
		return nil, nil // no store, no layout to keep
	}
	if err := g.Known("secret store guard"); err != nil {
		return nil, err
	}
	operator := p.Spec.Secrets.OperatorNamespace // the built-in policy's external-secrets unless set
	quoted := strconv.Quote(store)
	isStore := func(ref string) string {
		return fmt.Sprintf("has(%[1]s.kind) && %[1]s.kind == 'ClusterSecretStore' && has(%[1]s.name) && %[1]s.name == %[2]s", ref, quoted)
	}
	// A data item reads its own store if it names one (or a generator),
	// else the ExternalSecret's.
	uses := func(d string) string {
		return fmt.Sprintf("(has(%[1]s.sourceRef) ? has(%[1]s.sourceRef.storeRef) && %[2]s : variables.specStore)", d, isStore(d+".sourceRef.storeRef"))
	}
	own := func(key string) string {
		return fmt.Sprintf("(%[1]s.startsWith(request.namespace + '/') && !%[1]s.contains('..'))", key)
	}
	ifKind := func(resource, field, cond string) string {
		return fmt.Sprintf("variables.platform || request.resource.resource != '%s' || !has(object.spec) || !has(object.spec.%s) || %s", resource, field, cond)
	}
	keyOf := func(list, pred, key string) string { // the first offending key, for the message
		return fmt.Sprintf("object.spec.%s.filter(d, %s)[0].%s", list, pred, key)
	}
	dataBad := uses("d") + " && !" + own("d.remoteRef.key")
	extractBad := uses("d") + " && has(d.extract) && !" + own("d.extract.key")
	pushBad := "!" + own("d.match.remoteRef.remoteKey")
	layout := " the store holds each namespace\\'s Secrets at <namespace>/<secret>, and a namespace reads and writes its own: use key ' + request.namespace + '/<secret>, or ask the platform team to share a Secret'"
	what := func(kind, field, key string) string {
		return "'" + kind + " ' + object.metadata.name + ' names key ' + " + key + " + ' of ClusterSecretStore ' + " + quoted + " + ' in " + field + ", outside namespace ' + request.namespace + ':" + layout
	}
	return admissionpolicy.Build(admissionpolicy.Spec{
		Name: GuardName, Group: "external-secrets.io", Version: "*", Resources: []string{"externalsecrets", "pushsecrets"},
		Namespaces: admissionpolicy.Except(append(append(policy.Unisolated(p.Spec.Zones.Isolation), g.PaveNamespace, operator), g.Excluded...)),
		Variables: []admissionregistrationv1.Variable{
			// The operator writes what the platform's ClusterExternalSecrets
			// and ClusterPushSecrets ask, in every namespace they select.
			{Name: "platform", Expression: admissionpolicy.Trusted(p.Spec.Namespaces.LabelAdmins, admissionpolicy.ServiceAccounts(operator))},
			{Name: "specStore", Expression: "has(object.spec) && has(object.spec.secretStoreRef) && " + isStore("object.spec.secretStoreRef")},
			// A PushSecret's store chosen by labels may be this one.
			{Name: "pushStore", Expression: "has(object.spec) && has(object.spec.secretStoreRefs) && object.spec.secretStoreRefs.exists(r, has(r.kind) && r.kind == 'ClusterSecretStore' && (!has(r.name) || r.name == " + quoted + "))"},
		},
		Validations: []admissionregistrationv1.Validation{{
			Expression:        ifKind("externalsecrets", "data", "object.spec.data.all(d, !("+dataBad+"))"),
			MessageExpression: what("ExternalSecret", "spec.data", keyOf("data", dataBad, "remoteRef.key")),
		}, {
			Expression:        ifKind("externalsecrets", "dataFrom", "object.spec.dataFrom.all(d, !("+extractBad+"))"),
			MessageExpression: what("ExternalSecret", "spec.dataFrom", keyOf("dataFrom", extractBad, "extract.key")),
		}, {
			Expression: ifKind("externalsecrets", "dataFrom", "object.spec.dataFrom.all(d, !("+uses("d")+" && has(d.find)))"),
			MessageExpression: "'ExternalSecret ' + object.metadata.name + ' searches ClusterSecretStore ' + " + quoted + " + ' (spec.dataFrom.find), which holds every namespace\\'s Secrets: " +
				"use dataFrom.extract with key ' + request.namespace + '/<secret>'",
		}, {
			Expression:        ifKind("pushsecrets", "data", "!variables.pushStore || object.spec.data.all(d, !("+pushBad+"))"),
			MessageExpression: what("PushSecret", "spec.data", keyOf("data", pushBad, "match.remoteRef.remoteKey")),
		}},
	}), nil
}
