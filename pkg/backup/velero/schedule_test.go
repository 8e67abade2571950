package velero_test

import (
	"context"
	"testing"

	"github.com/pave-dev/pave/pkg/backup/velero"
	"github.com/pave-dev/pave/pkg/policy"
	"github.com/pave-dev/pave/pkg/workload/workloadtest"
)

func TestNoScheduleWithBackupsOffOrInVelerosNamespace(t *testing.T) {
	off := false
	e := workloadtest.Env()
	p := *e.Policy
	p.Spec.Backups.Enabled = &off
	e.Policy, e.Namespace = &p, policy.Namespace{Name: "shop"}
	if objs, _ := (velero.Schedule{}).GenerateNamespace(context.Background(), e); len(objs) != 0 {
		t.Errorf("%d Schedules with backups off", len(objs))
	}
	e = workloadtest.Env()
	e.Namespace = policy.Namespace{Name: "shop"}
	if objs, err := (velero.Schedule{}).GenerateNamespace(context.Background(), e); err != nil || len(objs) != 1 {
		t.Fatalf("backups on (the default): %d Schedules, %v; want one", len(objs), err)
	}
	e.Namespace = policy.Namespace{Name: "velero"}
	if objs, _ := (velero.Schedule{}).GenerateNamespace(context.Background(), e); len(objs) != 0 {
		t.Error("Velero's own namespace got a Schedule")
	}
}
