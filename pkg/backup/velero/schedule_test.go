package velero_test

import (
	"context"
	"testing"

	velerov1 "github.com/vmware-tanzu/velero/pkg/apis/velero/v1"

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

// A Schedule backs up the volumes pave names on the pods, whatever the
// Velero server's default: left unset, a server run with
// --default-volumes-to-fs-backup copies every volume and honours a team's
// backup.velero.io/backup-volumes-excludes, which could leave the data out.
func TestScheduleCopiesTheVolumesThePodsName(t *testing.T) {
	e := workloadtest.Env()
	e.Namespace = policy.Namespace{Name: "shop"}
	objs, err := (velero.Schedule{}).GenerateNamespace(context.Background(), e)
	if err != nil || len(objs) != 1 {
		t.Fatalf("%d Schedules, %v; want one", len(objs), err)
	}
	s, ok := objs[0].(*velerov1.Schedule)
	if !ok {
		t.Fatalf("%T, want a Velero Schedule", objs[0])
	}
	if all := s.Spec.Template.DefaultVolumesToFsBackup; all == nil || *all {
		t.Errorf("defaultVolumesToFsBackup = %v, want false: the opt-in that backup.velero.io/backup-volumes-excludes cannot undo", all)
	}
}
