package validators_test

import (
	"context"
	"strings"
	"testing"

	"github.com/pave-dev/pave/pkg/validators"
	"github.com/pave-dev/pave/pkg/workload/workloadtest"
)

// Scripts that hand a client its password where no option names it (by
// place, on standard input, after a client's own short option) are refused;
// the same scripts reading it from the environment or a file, and the
// options of the same letters that are not passwords, are not.
func TestLiteralSecretsOfCommandLineClients(t *testing.T) {
	cases := []struct {
		script string
		why    string // "" when nothing is found
	}{
		// Standard input, fed a literal.
		{`echo 'hunter2hunter2' | docker login -u bot --password-stdin reg.example.com`, "--password-stdin is fed a literal value"},
		{`echo -n hunter2hunter2 | podman login -u bot --password-stdin reg`, "--password-stdin is fed a literal value"},
		{`printf '%s' 'hunter2hunter2' | helm registry login reg -u bot --password-stdin`, "--password-stdin is fed a literal value"},
		{`docker login -u bot --password-stdin reg <<< 'hunter2hunter2'`, "--password-stdin is fed a literal value"},
		{`echo 'root:hunter2hunter2' | chpasswd`, "chpasswd is fed a literal password"},
		// A password by its place, or after a client's own short option.
		{`htpasswd -b -c /etc/nginx/htpasswd admin hunter2hunter2`, "htpasswd -b is given a literal password"},
		{`htpasswd -nbB admin hunter2hunter2 > /etc/nginx/htpasswd`, "htpasswd -b is given a literal password"},
		{`htpasswd -B -C 10 -b /etc/htpasswd admin hunter2hunter2`, "htpasswd -b is given a literal password"},
		{`docker login -u bot -p hunter2hunter2 reg.example.com`, "-p is followed by a literal password"},
		{`helm registry login reg.example.com -u bot -p hunter2hunter2`, "-p is followed by a literal password"},
		{`mongosh -u admin -p hunter2hunter2 --authenticationDatabase admin`, "-p is followed by a literal password"},
		{`sqlcmd -S db -U sa -P hunter2hunter2 -Q "select 1"`, "-P is followed by a literal password"},
		{`keytool -importcert -storepass hunter2hunter2 -keystore ks.jks`, "-storepass is followed by a literal password"},
		{`openssl pkcs12 -export -passout pass:hunter2hunter2 -out a.p12`, "openssl is given a literal password (pass:)"},
		// Options that set a named value, and a quoted connection string.
		{`kubectl create secret generic db --from-literal=password=hunter2hunter2`, "--from-literal sets password to a literal value"},
		{`helm upgrade app chart --set=db.password=hunter2hunter2`, "--set sets db.password to a literal value"},
		{`psql 'postgresql://app:hunter2hunter2@db:5432/app' -c 'select 1'`, "the value is a connection string with a password"},
		// The same clients reading it elsewhere, or prompting.
		{`cat /run/secrets/pw | docker login -u bot --password-stdin reg.example.com`, ""},
		{`echo "$REG_PASSWORD" | docker login -u bot --password-stdin reg.example.com`, ""},
		{`echo 'logging in' && docker login -u bot --password-stdin reg < /run/secrets/pw`, ""},
		{`gh auth login --with-token < /run/secrets/token`, ""},
		{`echo "root:${ROOT_PASSWORD}" | chpasswd`, ""},
		{`htpasswd -B -C 10 -b /etc/htpasswd admin "$ADMIN_PASSWORD"`, ""},
		{`htpasswd -c /etc/htpasswd admin`, ""},
		{`docker run -p 8080:80 -p 9090:9090 nginx && podman run -p 127.0.0.1:8080:80 nginx`, ""},
		{`mongosh -u admin -p mongodb://db:27017/admin; mongosh -u admin -p --authenticationDatabase admin`, ""},
		{`openssl pkcs12 -export -passout env:P12_PASSWORD -passin file:/run/pw -out a.p12`, ""},
		{`keytool -importcert -storepass:env STOREPASS -keystore ks.jks -noprompt`, ""},
		{`ssh-keygen -t ed25519 -N '' -f /tmp/key; zip -r out.zip dir`, ""},
		{`app --token-file /run/token --password-file=/run/pw --secret >/dev/null`, ""},
		{`kubectl create secret generic db --from-file=password=/run/pw --from-literal=user=app`, ""},
	}
	for _, c := range cases {
		t.Run(c.script, func(t *testing.T) {
			w := workloadtest.FromYAML(t, "apiVersion: v1\nkind: Pod\nmetadata: {name: p}\nspec: {containers: [{name: c, image: x:1, command: [sh, -c, "+quote(c.script)+"]}]}")
			got := validators.LiteralSecrets{}.Validate(context.Background(), w, workloadtest.Env())
			if c.why == "" {
				assertRules(t, got)
				return
			}
			assertRules(t, got, "no-literal-secrets")
			if want := "(" + c.why + ")"; !strings.Contains(got[0].Message, want) {
				t.Errorf("message %q, want it to say %s", got[0].Message, want)
			}
			if strings.Contains(got[0].Message, "hunter2") {
				t.Errorf("the message repeats the secret: %s", got[0].Message)
			}
		})
	}
}

// quote is s as a YAML double-quoted scalar.
func quote(s string) string {
	return `"` + strings.NewReplacer(`\`, `\\`, `"`, `\"`).Replace(s) + `"`
}
