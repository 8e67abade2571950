package backup_test

import (
	"context"
	"slices"
	"strings"
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

// Velero's own ways out of a backup are opt-outs too: its exclusion label
// on the pod template or a claim template keeps the data out, and a
// template's own list of volumes leaves out what it does not name. Where
// the policy allows no opt-out each is reported, and the list is completed
// (the team's names kept); where it does, they stand unreported.
func TestVelerosOwnOptOuts(t *testing.T) {
	labelled := strings.Replace(stateful, "volumeClaimTemplates: [{metadata: {name: data}", "volumeClaimTemplates: [{metadata: {name: data, labels: {velero.io/exclude-from-backup: \"true\"}}", 1)
	labelled = strings.Replace(labelled, "  template:\n    spec:", "  template:\n    metadata: {labels: {velero.io/exclude-from-backup: \"true\"}}\n    spec:", 1)
	listed := strings.Replace(stateful, "  template:\n    spec:", "  template:\n    metadata: {annotations: {backup.velero.io/backup-volumes: \"uploads, scratch\"}}\n    spec:", 1)
	strict, lenient := env(func(*policy.Policy) {}), env(func(p *policy.Policy) { p.Spec.Backups.AllowOptOut = true })

	w := workloadtest.FromYAML(t, labelled)
	if changed, _ := (backup.Volumes{}).Mutate(context.Background(), w, strict); !changed {
		t.Error("the data volumes were not named")
	}
	var fields []string
	for _, v := range (backup.Covered{}).Validate(context.Background(), w, strict) {
		fields = append(fields, v.Field)
		if !strings.Contains(v.Message, "Velero's velero.io/exclude-from-backup=true") || !strings.HasPrefix(v.Fix, "remove the label") {
			t.Errorf("%+v", v)
		}
	}
	if want := []string{"spec.template.metadata.labels[velero.io/exclude-from-backup]", "spec.volumeClaimTemplates[0].metadata.labels[velero.io/exclude-from-backup]"}; !slices.Equal(fields, want) {
		t.Errorf("findings at %v, want %v", fields, want)
	}

	w = workloadtest.FromYAML(t, listed)
	if vs := (backup.Covered{}).Validate(context.Background(), w, strict); len(vs) != 1 || vs[0].Field != "spec.template.metadata.annotations[backup.velero.io/backup-volumes]" ||
		!strings.Contains(vs[0].Message, `name "uploads, scratch" for Velero to back up, not data`) {
		t.Errorf("an unmutated list leaving data out: %+v", vs)
	}
	if changed, _ := (backup.Volumes{}).Mutate(context.Background(), w, strict); !changed || w.PodMeta.Annotations["backup.velero.io/backup-volumes"] != "uploads, scratch,data" {
		t.Errorf("list %q, want the team's with data added", w.PodMeta.Annotations["backup.velero.io/backup-volumes"])
	}
	if vs := (backup.Covered{}).Validate(context.Background(), w, strict); len(vs) != 0 {
		t.Errorf("the completed list reported: %+v", vs)
	}
	if changed, _ := (backup.Volumes{}).Mutate(context.Background(), w, strict); changed {
		t.Error("the completed list changed again")
	}

	for name, doc := range map[string]string{"labelled": labelled, "listed": listed} {
		w := workloadtest.FromYAML(t, doc)
		if changed, _ := (backup.Volumes{}).Mutate(context.Background(), w, lenient); changed {
			t.Errorf("%s: changed where the policy allows opting out", name)
		}
		if vs := (backup.Covered{}).Validate(context.Background(), w, lenient); len(vs) != 0 {
			t.Errorf("%s: reported where the policy allows opting out: %+v", name, vs)
		}
	}
}
