package backup_test

import (
	"context"
	"slices"
	"testing"

	"github.com/pave-dev/pave/pkg/backup"
	"github.com/pave-dev/pave/pkg/policy"
	"github.com/pave-dev/pave/pkg/workload/workloadtest"
)

const stateful = `apiVersion: apps/v1
kind: StatefulSet
metadata: {name: db, namespace: shop}
spec:
  selector: {matchLabels: {app: db}}
  volumeClaimTemplates: [{metadata: {name: data}, spec: {resources: {requests: {storage: 1Gi}}}}]
  template:
    spec:
      containers: [{name: db, image: x:1}]
      volumes:
      - {name: uploads, persistentVolumeClaim: {claimName: uploads}}
      - {name: scratch, emptyDir: {}}
      - name: tmp
        ephemeral: {volumeClaimTemplate: {spec: {resources: {requests: {storage: 1Gi}}}}}
`

func env(mut func(p *policy.Policy)) policy.Env {
	e := workloadtest.Env()
	p := *e.Policy
	mut(&p)
	e.Policy = &p
	return e
}

func TestDataVolumesAreNamedForBackup(t *testing.T) {
	w := workloadtest.FromYAML(t, stateful)
	if got := backup.DataVolumes(w); !slices.Equal(got, []string{"data", "uploads"}) {
		t.Fatalf("data volumes %v, want the claim and the claim template (not scratch space)", got)
	}
	e := env(func(*policy.Policy) {})
	if changed, _ := (backup.Volumes{}).Mutate(context.Background(), w, e); !changed || w.PodMeta.Annotations["backup.velero.io/backup-volumes"] != "data,uploads" {
		t.Fatalf("annotation %q", w.PodMeta.Annotations["backup.velero.io/backup-volumes"])
	}
	if vs := (backup.Covered{}).Validate(context.Background(), w, e); len(vs) != 0 {
		t.Errorf("covered workload reported: %v", vs)
	}
	stateless := workloadtest.FromYAML(t, workloadtest.Deployment("x:1"))
	if changed, _ := (backup.Volumes{}).Mutate(context.Background(), stateless, e); changed {
		t.Error("a stateless workload was annotated")
	}
}

func TestOptingOut(t *testing.T) {
	optedOut := stateful[:len("apiVersion: apps/v1\nkind: StatefulSet\nmetadata: {name: db, namespace: shop")] + `, annotations: {pave.dev/backup: "false"}` + stateful[len("apiVersion: apps/v1\nkind: StatefulSet\nmetadata: {name: db, namespace: shop"):]
	// Not allowed: still backed up, and reported.
	w := workloadtest.FromYAML(t, optedOut)
	e := env(func(*policy.Policy) {})
	if changed, _ := (backup.Volumes{}).Mutate(context.Background(), w, e); !changed {
		t.Error("an opt-out the policy does not allow kept the data out of the backups")
	}
	vs := backup.Covered{}.Validate(context.Background(), w, e)
	if len(vs) != 1 || vs[0].Rule != "backup-covered" || vs[0].Field != "metadata.annotations[pave.dev/backup]" {
		t.Fatalf("findings %+v", vs)
	}
	// Allowed: left out, not reported.
	w = workloadtest.FromYAML(t, optedOut)
	e = env(func(p *policy.Policy) { p.Spec.Backups.AllowOptOut = true })
	if changed, _ := (backup.Volumes{}).Mutate(context.Background(), w, e); changed {
		t.Error("an allowed opt-out was annotated for backup")
	}
	if vs := (backup.Covered{}).Validate(context.Background(), w, e); len(vs) != 0 {
		t.Errorf("an allowed opt-out reported: %v", vs)
	}
}

func TestBackupsOff(t *testing.T) {
	off := false
	e := env(func(p *policy.Policy) { p.Spec.Backups.Enabled = &off })
	e.Namespace = policy.Namespace{Name: "shop"}
	vs := backup.Covered{}.Validate(context.Background(), workloadtest.FromYAML(t, stateful), e)
	if len(vs) != 1 {
		t.Errorf("a stateful workload with backups off: %v, want one finding", vs)
	}
}
