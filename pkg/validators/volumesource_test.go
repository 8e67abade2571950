package validators_test

import (
	"context"
	"strings"
	"testing"

	"github.com/pave-dev/pave/pkg/validators"
	"github.com/pave-dev/pave/pkg/workload/workloadtest"
)

// The API server takes any name in a volume's Secret, ConfigMap or claim
// (it checks env references only); a name no object can have is a warning
// at its field, and one an object can have is none.
func TestVolumeSourceNamesThatCannotExist(t *testing.T) {
	for _, c := range []struct{ volume, field, want string }{
		{"{name: creds, secret: {secretName: DB_Creds}}", "spec.template.spec.volumes[0].secret.secretName", `perhaps "db-creds"`},
		{"{name: conf, configMap: {name: App.Config}}", "spec.template.spec.volumes[0].configMap.name", `perhaps "app.config"`},
		{"{name: data, persistentVolumeClaim: {claimName: data_1}}", "spec.template.spec.volumes[0].persistentVolumeClaim.claimName", "never start"},
		{"{name: opt, secret: {secretName: Opt, optional: true}}", "spec.template.spec.volumes[0].secret.secretName", "always empty"},
		{"{name: up, projected: {sources: [{serviceAccountToken: {path: t}}, {configMap: {name: ok}}, {secret: {name: ../etc}}]}}", "spec.template.spec.volumes[0].projected.sources[2].secret.name", "never start"},
		{"{name: creds, secret: {secretName: db-creds}}", "", ""},
		{"{name: conf, configMap: {name: app.config.v2}}", "", ""},
		{"{name: up, projected: {sources: [{configMap: {name: istio-ca-root-cert}}, {secret: {name: tls.web}}]}}", "", ""},
		{"{name: scratch, emptyDir: {}}", "", ""},
	} {
		w := workloadtest.FromYAML(t, workloadtest.Deployment("x:1")+"      volumes: ["+c.volume+"]\n")
		got := validators.VolumeSource{}.Validate(context.Background(), w, workloadtest.Env())
		switch {
		case c.field == "" && len(got) > 0:
			t.Errorf("%s: %+v, want none", c.volume, got)
		case c.field != "" && (len(got) != 1 || got[0].Field != c.field || got[0].Rule != "volume-source" ||
			!strings.Contains(got[0].Message+got[0].Fix, c.want)):
			t.Errorf("%s: %+v, want one volume-source finding at %s saying %q", c.volume, got, c.field, c.want)
		}
	}
}
