package validators_test

import (
	"context"
	"slices"
	"testing"

	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	"github.com/pave-dev/pave/pkg/api/v1alpha1"
	"github.com/pave-dev/pave/pkg/mutators"
	"github.com/pave-dev/pave/pkg/validators"
	"github.com/pave-dev/pave/pkg/workload"
	"github.com/pave-dev/pave/pkg/workload/workloadtest"
)

func TestLiteralSecrets(t *testing.T) {
	cases := []struct {
		env    string
		secret bool
	}{
		{`{name: DB_PASSWORD, value: hunter2}`, true},
		{`{name: STRIPE_API_KEY, value: sk_live_x}`, true},
		{`{name: github-token, value: ghp_x}`, true},
		{`{name: CLIENT_SECRET, value: s}`, true},
		{`{name: DATABASE_URL, value: "postgres://app:s3cret@db:5432/app"}`, true},
		{`{name: CONN, value: "Server=db;User Id=app;Password=s3cret;"}`, true},
		{`{name: TLS, value: "-----BEGIN RSA PRIVATE KEY-----\nMII"}`, true},
		{`{name: DB_PASSWORD, valueFrom: {secretKeyRef: {name: db, key: password}}}`, false},
		{`{name: DB_PASSWORD, value: ""}`, false},
		{`{name: DATABASE_URL, value: "postgres://db:5432/app"}`, false},
		{`{name: KEYBOARD_LAYOUT, value: us}`, false},
		{`{name: MONKEY, value: banana}`, false},
		{`{name: LOG_LEVEL, value: debug}`, false},
		{`{name: TOKEN_URL, value: "https://auth.example.com/token"}`, false},
		{`{name: DB_SECRET_NAME, value: payments-db}`, false},
		{`{name: DB_SECRET_NAMESPACE, value: payments}`, false},
		{`{name: TOKEN_LIFETIME, value: "3600"}`, false},
		{`{name: PASSWORD_ROTATION_INTERVAL, value: 90d}`, false},
		{`{name: VALID_TOKEN_USER, value: alice}`, false},
		{`{name: TOKEN_USER_PASSWORD, value: hunter2}`, true},
		{`{name: SIGNING_KEY_ID, value: k-2026-01}`, false},
		{`{name: PASSWORD_FILE, value: /var/run/secrets/db/password}`, false},
		{`{name: DATABASE_URL_PASSWORD, value: hunter2}`, true},
		{`{name: TOKEN_URL, value: "https://user:s3cret@auth.example.com/token"}`, true},
		// Issue 7, finding 8: common names and shapes that slipped through.
		{`{name: dbPassword, value: hunter2}`, true},
		{`{name: DBPASSWORD, value: hunter2}`, true},
		{`{name: DB_PASS, value: hunter2}`, true},
		{`{name: POSTGRES_PASS, value: hunter2}`, true},
		{`{name: GITHUB_PAT, value: hunter2}`, true},
		{`{name: STRIPE_SK, value: hunter2}`, true},
		{`{name: clientSecret, value: hunter2}`, true},
		{`{name: X, value: ghp_aBcDeFgHiJkLmNoPqRsTuVwXyZ0123456789}`, true},
		{`{name: X, value: AKIAIOSFODNN7EXAMPLE}`, true},
		{`{name: X, value: sk_live_4eC39HqLyjWDarjtT1zdp7dc}`, true},
		{`{name: X, value: "xoxb-123456789012-abcdefghij"}`, true},
		{`{name: X, value: "eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxMjM0In0.dozjgNryP4J3jVmNHl0w5N"}`, true},
		// What names say nothing about, or values that are references.
		{`{name: ROUTING_KEY, value: orders}`, false},
		{`{name: CACHE_KEY, value: users}`, false},
		{`{name: PWD, value: /app}`, false},
		{`{name: MYSQL_ALLOW_EMPTY_PASSWORD, value: "yes"}`, false},
		{`{name: GOOGLE_APPLICATION_CREDENTIALS, value: /var/secrets/google/key.json}`, false},
		{`{name: DB_PASSWORD, value: "$(DB_PASSWORD_FROM_SECRET)"}`, false},
		{`{name: TOKENIZER_MODEL, value: bert-base}`, false},
		{`{name: OIDC_TOKEN_AUDIENCE, value: api}`, false},
		{`{name: PASSWORD_MIN_LENGTH, value: "12"}`, false},
		{`{name: KEYCLOAK_REALM, value: acme}`, false},
		{`{name: BYPASS_CACHE, value: "true"}`, false},
		// Peer projects' own manifests (Kyverno's test resources).
		{`{name: KEY, value: "some value"}`, false},
		{`{name: key, value: value}`, false},
		{`{name: KEY, value: aB3dE5fG7hJ9kL1mN3pQ5rS7}`, true},
		{`{name: KEY_PASSWORD, value: "correct horse battery staple"}`, true},
		{`{name: CREDENTIAL_HELPERS, value: "ecr-login,gcr"}`, false},
		{`{name: ETCD_INITIAL_CLUSTER_TOKEN, value: etcd-cluster-1}`, false},
		// Placeholders the program resolves (Spring, kompose's Compose variables).
		{`{name: SPRING_DATASOURCE_PASSWORD, value: "${DB_PASSWORD}"}`, false},
		{`{name: SPRING_DATASOURCE_PASSWORD, value: "${db.password}"}`, false},
		{`{name: SPRING_DATASOURCE_PASSWORD, value: "${db.password:hunter2}"}`, true},
		{`{name: DB_PASSWORD, value: "hunter2}"}`, true},
		// A setting inside the value: options, a JSON document, a file.
		{`{name: JAVA_OPTS, value: "-Xmx512m -Dspring.datasource.password=hunter2"}`, true},
		{`{name: EXTRA_ARGS, value: "--verbose --api-token hunter2hunter2"}`, true},
		{`{name: SPRING_APPLICATION_JSON, value: '{"spring":{"datasource":{"password":"hunter2"}}}'}`, true},
		{`{name: CONFIG, value: "db:\n  host: db\n  password: hunter2\n"}`, true},
		{`{name: JAVA_OPTS, value: "-Xmx512m -Dspring.datasource.password=${DB_PASSWORD}"}`, false},
		{`{name: JAVA_OPTS, value: "-Dspring.datasource.password=ENC(G6N718UuyPE5bHyWKyuLQSm02auQPUtm)"}`, false},
		{`{name: JAVA_OPTS, value: "-Xmx512m -XX:+UseG1GC -Dserver.port=8080"}`, false},
		{`{name: SPRING_APPLICATION_JSON, value: '{"spring":{"datasource":{"password":"${DB_PASSWORD}","url":"jdbc:postgresql://db/app"}}}'}`, false},
		{`{name: FEATURES, value: '["a", {"token": ""}]'}`, false},
		{`{name: MOTD, value: "Welcome - the password policy changed"}`, false},
		{`{name: QUERY, value: "a=b&c=d"}`, false},
		// Connection strings of settings, and webhook URLs that are their own credential.
		{`{name: AZURE_STORAGE, value: "DefaultEndpointsProtocol=https;AccountName=shop;AccountKey=Zm9vYmFyYmF6cXV4Zm9vYmFyYmF6cXV4==;EndpointSuffix=core.windows.net"}`, true},
		{`{name: SERVICEBUS, value: "Endpoint=sb://shop.servicebus.windows.net/;SharedAccessKeyName=Root;SharedAccessKey=Zm9vYmFyYmF6cXV4Zm9vYmE="}`, true},
		{`{name: ALERTS, value: "https://hooks.slack.com/services/T00000000/B00000000/XXXXXXXXXXXXXXXXXXXXXXXX"}`, true},
		{`{name: ALERTS, value: "https://discord.com/api/webhooks/123456789012345678/abcdefghijklmnopqrstuvwxyz0123"}`, true},
		{`{name: SERVICEBUS, value: "Endpoint=sb://shop.servicebus.windows.net/;SharedAccessKeyName=Root;SharedAccessKey=${SB_KEY}"}`, false},
		{`{name: AZURE_STORAGE, value: "DefaultEndpointsProtocol=https;AccountName=shop;EndpointSuffix=core.windows.net"}`, false},
		{`{name: SQL, value: "Server=db;Database=shop;Trusted_Connection=True;"}`, false},
		{`{name: SLACK_CHANNEL_URL, value: "https://hooks.slack.com/"}`, false},
	}
	for _, c := range cases {
		t.Run(c.env, func(t *testing.T) {
			w := workloadtest.FromYAML(t, "apiVersion: v1\nkind: Pod\nmetadata: {name: p}\nspec: {containers: [{name: c, image: x:1, env: [{name: A, value: b}, "+c.env+"]}]}")
			got := validators.LiteralSecrets{}.Validate(context.Background(), w, workloadtest.Env())
			if !c.secret {
				assertRules(t, got)
				return
			}
			assertRules(t, got, "no-literal-secrets")
			if got[0].Field != "spec.containers[0].env[1].value" {
				t.Errorf("field %s", got[0].Field)
			}
			if contains(got[0].Message, "hunter2") || contains(got[0].Message, "s3cret") {
				t.Errorf("the message repeats the secret: %s", got[0].Message)
			}
		})
	}
}

// Secrets in commands and arguments: flags, shell assignments, token shapes.
func TestLiteralSecretsInArgs(t *testing.T) {
	cases := []struct {
		args  string
		field string // "" when nothing is found
	}{
		{`args: ["--db-password=hunter2"]`, "args[0]"},
		{`args: [--port=80, --token, hunter2]`, "args[1]"},
		{`command: [sh, -c, "export DB_PASSWORD=hunter2; exec app"]`, "command[2]"},
		{`command: [sh, -c, "mysql --password hunter2 -h db"]`, "command[2]"},
		{`args: ["--github=ghp_aBcDeFgHiJkLmNoPqRsTuVwXyZ0123456789"]`, "args[0]"},
		{`args: ["--db=postgres://app:s3cret@db/app"]`, "args[0]"},
		{`args: ["--db-password=$(DB_PASSWORD)"]`, ""},
		{`args: [--password-file, /run/secrets/db]`, ""},
		{`args: [--token-audience=api, --log-level=debug, --tls-key-file=/tls/key]`, ""},
		{`args: [--secret-name, payments-db]`, ""},
		// External Secrets' chart and the control plane's flags: where a
		// secret is, how many, how long, never the secret.
		{`args: [--secret-name=eso-webhook, --secret-namespace=external-secrets]`, ""},
		{`args: [--concurrent-serviceaccount-token-syncs=5, --service-account-max-token-expiration=48h]`, ""},
		{`args: [--legacy-service-account-token-clean-up-period=8760h, --secret-permissions=0600]`, ""},
		{`args: [--token-label=team-a, --token-selector, app=web]`, ""},
		{`args: [--secret-namespace=external-secrets, --secret=hunter2]`, "args[1]"},
		{`command: [sh, -c, "echo $PWD && exec app --listen :8080"]`, ""},
		{`args: ["--registryCredentialHelpers=default,google,amazon,azure,github"]`, ""}, // Kyverno's own
		{`args: ["--secrets-backend=vault", "--auth-method=kubernetes", "--token-plugin", "oidc"]`, ""},
		{`args: [--key, orders, --key=users]`, ""},
		{`args: [--key, aB3dE5fG7hJ9kL1mN3pQ5rS7]`, "args[0]"},
		// Expansions name a value: Flagger's podinfo chart fetches its token in
		// its test's script.
		{"command: [sh, -c, \"TOKEN=$(curl -sd test svc/token | jq -r .token) && curl -H \\\"Authorization: Bearer ${TOKEN}\\\" svc\"]", ""},
		{`command: [sh, -c, "DB_PASSWORD=\"$DB_PASS\" exec app"]`, ""},
		{`command: [sh, -c, "mysql --password ${MYSQL_PASSWORD} -h db"]`, ""},
		{"command: [sh, -c, \"API_TOKEN=`cat /run/secrets/token` exec app\"]", ""},
		{`command: [sh, -c, "DB_PASSWORD=${DB_PASSWORD:-} exec app"]`, ""},
		{`command: [sh, -c, "DB_PASSWORD=${DB_PASSWORD:-$FALLBACK} exec app"]`, ""},
		{`command: [sh, -c, "DB_PASSWORD=${DB_PASSWORD:-hunter2} exec app"]`, "command[2]"},
		// etcd's cluster token tells clusters apart (Kubernetes' and Cilium's etcd manifests).
		{`args: [--initial-cluster-token=etcd-cluster-1, "--initial-cluster-token", etcd-cluster-1]`, ""},
		{`command: [sh, -c, "export DB_PASSWORD=hunter2$(date)"]`, "command[2]"},
		// An empty value in a script's SQL (Kubernetes' mysql-upgrade StatefulSet).
		{`command: [sh, -c, "mysql -e \"CHANGE MASTER TO MASTER_USER='root', MASTER_PASSWORD='', MASTER_CONNECT_RETRY=10\""]`, ""},
		{`command: [sh, -c, "mysql -e \"CHANGE MASTER TO MASTER_USER='root', MASTER_PASSWORD='hunter2', MASTER_CONNECT_RETRY=10\""]`, "command[2]"},
		// What well-known clients and HTTP headers are given.
		{`command: [sh, -c, "mysql -u root -phunter2 -h db"]`, "command[2]"},
		{`command: [mysqldump, -u, root, -phunter2, shop]`, "command[3]"},
		{`command: [/bin/sh, -ec], args: ["exec mariadb -uroot -phunter2"]`, "args[0]"},
		{`command: [sh, -c, "PGHOST=db exec mysql -p'hunter2'"]`, "command[2]"},
		{`command: [sh, -c, "curl -u admin:hunter2 https://api.example.com"]`, "command[2]"},
		{`command: [curl], args: [--user=admin:hunter2, https://api.example.com]`, "args[0]"},
		{`command: [sh, -c, "redis-cli -a hunter2hunter2 ping"]`, "command[2]"},
		{`command: [sh, -c, "curl -H \"Authorization: Bearer 8f14e45fceea167a5a36\" https://api"]`, "command[2]"},
		{`args: [-H, "Authorization: Basic YWRtaW46aHVudGVyMg==", https://api]`, "args[1]"},
		{`command: [sh, -c, "wget --header=\"X-Api-Key: 8f14e45fceea167a5a36\" https://api"]`, "command[2]"},
		{`command: [sh, -c, "wget --header=\"X-Request-Id: 8f14e45fceea167a5a36\" https://api; echo token: abcdefgh12345678"]`, ""},
		{`command: [sh, -c, "curl -H \"X-Api-Key: 8f14e45fceea167a5a36\" https://api"]`, "command[2]"},
		{`command: [app, --token], args: [hunter2hunter2]`, "command[1]"},
		{`command: [curl, "-HAuthorization: Bearer 8f14e45fceea167a5a36", https://api]`, "command[1]"},
		{`command: [sh, -c, "curl -H\"X-Api-Key: 8f14e45fceea167a5a36\" https://api"]`, "command[2]"},
		{`command: [http, GET, api.example.com, "Authorization:Bearer 8f14e45fceea167a5a36"]`, "command[3]"},
		{`command: [sh, -c, "xh api.example.com X-Api-Key:8f14e45fceea167a5a36"]`, "command[2]"},
		{`command: [https, api.example.com, "X-Api-Key: 8f14e45fceea167a5a36"]`, "command[2]"},
		{`command: [sh, -c, "curl --oauth2-bearer 8f14e45fceea167a5a36 https://api"]`, "command[2]"},
		// The same clients given what they read elsewhere, or prompting.
		{`command: [sh, -c, "mysql -u root -p\"$MYSQL_ROOT_PASSWORD\" -h db"]`, ""},
		{`command: [sh, -c, "mysql -u root -p -h db; mysql -P 3306 -h db"]`, ""},
		{`command: [sh, -c, "curl -u \"$USER:$PASS\" https://api; curl -u admin https://api"]`, ""},
		{`command: [sh, -c, "redis-cli -a \"$REDIS_PASSWORD\" ping"]`, ""},
		{`command: [sh, -c, "curl -H \"Authorization: Bearer $TOKEN\" https://api"]`, ""},
		{`command: [sh, -c, "curl -HAuthorization:Bearer\\ $TOKEN --oauth2-bearer \"$TOKEN\" https://api"]`, ""},
		{`command: [http, GET, api.example.com, "Accept:application/json", "X-Request-Id:8f14e45fceea167a5a36", "X-Api-Key:$API_KEY", "token:=true"]`, ""},
		{`command: [sh, -c, "echo X-Api-Key:8f14e45fceea167a5a36"]`, ""},
		{`command: [sh, -c, "curl -H \"Content-Type: application/json\" -u admin: https://api"]`, ""},
		{`command: [sh, -c, "psql -p 5432 -h db; grep -phunter2 file"]`, ""},
		{`command: [sh, -c, "echo -phunter2 | mysql"]`, ""},
		// The commands the kubelet runs: probes and lifecycle hooks.
		{`readinessProbe: {exec: {command: [mysqladmin, ping, -u, root, -phunter2]}}`, "readinessProbe.exec.command[4]"},
		{`livenessProbe: {exec: {command: [sh, -c, "DB_PASSWORD=hunter2 check"]}}`, "livenessProbe.exec.command[2]"},
		{`startupProbe: {exec: {command: [redis-cli, -a, hunter2hunter2, ping]}}`, "startupProbe.exec.command[1]"},
		{`lifecycle: {postStart: {exec: {command: [sh, -c, "curl -u admin:hunter2 http://svc"]}}}`, "lifecycle.postStart.exec.command[2]"},
		{`lifecycle: {preStop: {exec: {command: [app, drain, --token=hunter2]}}}`, "lifecycle.preStop.exec.command[2]"},
		{`readinessProbe: {exec: {command: [sh, -c, "mysqladmin ping -p\"$MYSQL_ROOT_PASSWORD\""]}}, lifecycle: {preStop: {exec: {command: [nginx, -s, quit]}}}`, ""},
	}
	for _, c := range cases {
		t.Run(c.args, func(t *testing.T) {
			w := workloadtest.FromYAML(t, "apiVersion: v1\nkind: Pod\nmetadata: {name: p}\nspec: {containers: [{name: c, image: x:1, "+c.args+"}]}")
			got := validators.LiteralSecrets{}.Validate(context.Background(), w, workloadtest.Env())
			if c.field == "" {
				assertRules(t, got)
				return
			}
			assertRules(t, got, "no-literal-secrets")
			if want := "spec.containers[0]." + c.field; got[0].Field != want {
				t.Errorf("field %s, want %s", got[0].Field, want)
			}
			if contains(got[0].Message, "hunter2") || contains(got[0].Message, "s3cret") {
				t.Errorf("the message repeats the secret: %s", got[0].Message)
			}
		})
	}
}

// ConfigMaps: a secret-named key with a value, or a value shaped like a
// credential, is reported; a CA certificate (every namespace's
// kube-root-ca.crt) and plain settings are not.
func TestSecretsInConfigMaps(t *testing.T) {
	cm := &corev1.ConfigMap{ObjectMeta: metav1.ObjectMeta{Name: "app"}, Data: map[string]string{
		"DB_PASSWORD":   "hunter2hunter2",
		"LOG_LEVEL":     "debug",
		"ca.crt":        "-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n",
		"tls.key":       "-----BEGIN RSA PRIVATE KEY-----\nMIIE\n-----END RSA PRIVATE KEY-----\n",
		"PASSWORD_FILE": "/etc/secret/password",
		"key":           "some value",
		// Files: by what they hold, but for one line under a secret's name.
		"secret.html":  "<html>\n<body>secret_data_leaked</body>\n</html>\n",
		"password.txt": "hunter2hunter2\n",
		"app.env":      "LOG_LEVEL=debug\nDATABASE_URL=postgres://app:s3cret@db/app\n",
	}}
	vs := validators.LiteralSecrets{}.ValidateObject(context.Background(), cm, workloadtest.Env())
	var fields []string
	for _, v := range vs {
		fields = append(fields, v.Field)
	}
	if !slices.Equal(fields, []string{"data[DB_PASSWORD]", "data[app.env]", "data[password.txt]", "data[tls.key]"}) {
		t.Errorf("findings at %v, want the passwords, the connection string and the private key", fields)
	}
}

// The policy's own proxy is scanned once per policy and found clean; a
// container that copies it but adds one literal secret is still scanned and
// flagged, whatever its name.
func TestLiteralSecretsInTheSidecar(t *testing.T) {
	env := workloadtest.MeshEnv(t, v1alpha1.MeshIstio)
	p := env.Policy
	proxy := *p.Spec.Mesh.Sidecar.Container.DeepCopy()
	pod := func(c corev1.Container) *workload.Workload {
		w, err := workload.New(&corev1.Pod{ObjectMeta: metav1.ObjectMeta{Name: "p"}, Spec: corev1.PodSpec{InitContainers: []corev1.Container{c},
			Containers: []corev1.Container{{Name: "app", Image: "x:1"}}}})
		if err != nil {
			t.Fatal(err)
		}
		return w
	}
	if got := (validators.LiteralSecrets{}).Validate(context.Background(), pod(proxy), env); len(got) != 0 {
		t.Errorf("the policy's proxy: %v", got)
	}
	forged := *proxy.DeepCopy()
	forged.Args = append(forged.Args, "--db-password=hunter2hunter2")
	if got := (validators.LiteralSecrets{}).Validate(context.Background(), pod(forged), env); len(got) != 1 {
		t.Errorf("a copy of the proxy with a secret argument: %v", got)
	}
}

// A Pod's proxy carries, for Istio's agent, copies of the Pod's probes and
// metrics endpoint: a literal in a probe's header is judged (or not) where
// the team wrote it, and the Pod of an admitted Deployment is not refused
// for the copy. Any other variable added to the proxy is scanned.
func TestLiteralSecretsLeaveAPodsIstioWiring(t *testing.T) {
	env := workloadtest.MeshEnv(t, v1alpha1.MeshIstio)
	const jwt = "eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJwcm9iZSJ9.c2lnbmF0dXJlc2lnbmF0dXJl"
	w := workloadtest.FromYAML(t, `apiVersion: v1
kind: Pod
metadata: {name: p}
spec:
  containers:
  - name: app
    image: "x:1"
    readinessProbe: {httpGet: {path: /ready, port: 8080, httpHeaders: [{name: Authorization, value: "Bearer `+jwt+`"}]}}`)
	if _, err := (mutators.Sidecar{}).Mutate(context.Background(), w, env); err != nil {
		t.Fatal(err)
	}
	if got := (validators.LiteralSecrets{}).Validate(context.Background(), w, env); len(got) != 0 {
		t.Errorf("the Pod was refused for its proxy's copy of a probe: %v", got)
	}
	proxy := &w.PodSpec.InitContainers[0]
	proxy.Env = append(proxy.Env, corev1.EnvVar{Name: "TOKEN", Value: jwt})
	if got := (validators.LiteralSecrets{}).Validate(context.Background(), w, env); len(got) != 1 {
		t.Errorf("a literal secret added to a wired proxy: %v", got)
	}
}
