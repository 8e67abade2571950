package validators_test

import (
	"context"
	"strings"
	"testing"

	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	"github.com/pave-dev/pave/pkg/validators"
	"github.com/pave-dev/pave/pkg/workload/workloadtest"
)

// A configuration file in a ConfigMap is read line by line as settings: a
// setting named as a credential that holds a literal is a secret, as an env
// var of that name is, in each format a program reads its settings from. The
// finding names the line and the setting, with the YAML keys or the INI or
// TOML section it is in, never the value, and its fix the placeholder that
// takes the value from a Secret.
func TestSecretSettingsInConfigurationFiles(t *testing.T) {
	for _, c := range []struct {
		key, file, want string // want: the setting found, "" for none
	}{
		{"application.properties", "server.port=8080\nspring.datasource.url=jdbc:postgresql://db/shop\nspring.datasource.password=Sup3rS3cret!\n", "line 3 sets spring.datasource.password"},
		{"application.yaml", "spring:\n  datasource:\n    username: shop\n    password: Sup3rS3cret!\n", "line 4 sets spring.datasource.password"},
		{"config.json", "{\"db\": {\"host\": \"db\",\n  \"password\": \"Sup3rS3cret!\",\n  \"port\": 5432}}\n", "it sets db.password"},
		{"settings.ini", "[db]\nhost = db\npassword = Sup3rS3cret!\n", "line 3 sets db.password"},
		{"creds.json", "{\"clients\": [{\"id\": \"web\", \"clientSecret\": \"Sup3rS3cret!\"}],\n \"v\": 1}\n", "it sets clients[0].clientSecret"},
		{"broken.json", "{\"host\": \"db\",\n\"password\": \"Sup3rS3cret!\"\n", "line 2 sets password"},
		{"my.cnf", "[client]\nuser=shop\npassword=Sup3rS3cret!\n", "line 3 sets client.password"},
		{"prod.env", "LOG_LEVEL=info\nexport DB_PASSWORD=Sup3rS3cret!\n", "line 2 sets DB_PASSWORD"},
		{"config.toml", "[payments]\napi_key = \"0123456789abcdef0123\"\n", "line 2 sets payments.api_key"},
		{"users.yml", "users:\n- name: admin\n- password: Sup3rS3cret!\n", "line 3 sets users.password"},
		{"app.YAML", "db:\n  password: Sup3rS3cret! # rotate monthly\n", "line 2 sets db.password"},
		{"users.yaml", "users:\n- name: admin\n  password: Sup3rS3cret!\n", "line 3 sets users.password"},
		{"users.yaml", "auth:\n  users:\n    - name: admin\n      password: Sup3rS3cret!\n", "line 4 sets auth.users.password"},
		{"users.yaml", "users:\n- db:\n    password: Sup3rS3cret!\nlog: debug\n", "line 3 sets users.db.password"},
		{"alertmanager.yml", "global:\n  smtp_auth_password: 'Sup3rS3cret!'\n", "line 2 sets global.smtp_auth_password"},

		// The value is elsewhere, or is not the credential.
		{"application.yaml", "db:\n  password: ${DB_PASSWORD}\n  password2: '${DB_PASSWORD}'\n", ""},
		{"application.properties", "spring.datasource.password=${DB_PASSWORD}\n", ""},
		{"datasources.yaml", "secureJsonData:\n  password: $PG_PASSWORD\n", ""},
		{"prometheus.yml", "basic_auth:\n  username: scraper\n  password_file: /etc/secrets/scrape\n", ""},
		{"values.yaml", "password:\n  existingSecret: db\n  secretName: db\n", ""},
		{"vault.yaml", "password: |\n  multi\n  line\n", ""},
		{"app.yaml", "# password: Sup3rS3cret!\nlog: debug\n", ""},
		{"app.properties", "db.password=ENC(G6N718UuyPE5bHyWKyuLQSm02auQPUtm)\n", ""},
		{"app.yaml", "password: \"********\"\nmax_pass: 3\n", ""},
		{"app.yaml", "password: <your-password>\npassword_min_length: 12\ntoken_expiry: 3600\n", ""},
		{"schema.json", "{\"properties\": {\n  \"password\": {\"type\": \"string\"},\n  \"token\": [\"a\"]}}\n", ""},
		{"app.yaml", "key: some value\ncache:\n  key: user-id\n", ""},
		{"selector.yaml", "matchExpressions:\n- key: kubernetes.io/metadata.name\n  operator: In\n", ""},
		{"webhooks.json", "[{\"namespaceSelector\": {\"matchExpressions\": [{\"key\": \"kubernetes.io/metadata.name\"}]}},\n {}]\n", ""},
		// Without a file's extension a key is a variable (envFrom), and a
		// template or a whole configuration is judged by its shape alone.
		{"values", "{\"global\": {\"credential-volume\": \"a template of many words\"},\n \"passphraseKey\": \"passphrase\"}\n", ""},
		{"app.yaml", "password: ''\ntoken: ~\nsecret: false\n", ""},
		{"app.yaml", "anchors:\n  password: *shared\n  token: !vault |\n    $ANSIBLE_VAULT;1.1\n", ""},
		{"nginx.conf", "location / {\n  auth_basic_user_file /etc/nginx/htpasswd;\n}\n", ""},
		// Code assigns what the program computes: only a value's shape counts there.
		{"settings.py", "import os\npassword = os.environ[\"DB_PASSWORD\"]\n", ""},
		{"notes.md", "Note: the password is kept in Vault.\nsecret: in the vault\n", ""},
	} {
		cm := &corev1.ConfigMap{ObjectMeta: metav1.ObjectMeta{Name: "app"}, Data: map[string]string{c.key: c.file}}
		vs := validators.LiteralSecrets{}.ValidateObject(context.Background(), cm, workloadtest.Env())
		switch {
		case c.want == "" && len(vs) > 0:
			t.Errorf("%s %q: false positive: %s", c.key, c.file, vs[0].Message)
		case c.want != "" && len(vs) != 1:
			t.Errorf("%s %q: %d findings, want one (%s)", c.key, c.file, len(vs), c.want)
		case c.want != "":
			v := vs[0]
			if !strings.Contains(v.Message, "("+c.want+")") {
				t.Errorf("%s: message %q, want it to say %q", c.key, v.Message, c.want)
			}
			if strings.Contains(v.Message+v.Fix, "Sup3rS3cret") || strings.Contains(v.Message+v.Fix, "0123456789abcdef") {
				t.Errorf("%s: the finding repeats the secret: %s / %s", c.key, v.Message, v.Fix)
			}
			if !strings.Contains(v.Fix, "placeholder") || !strings.Contains(v.Fix, "secretKeyRef") {
				t.Errorf("%s: fix %q, want the placeholder and secretKeyRef", c.key, v.Fix)
			}
		}
	}
}

// The placeholder the fix names is the setting as an environment variable.
func TestSecretSettingFixNamesItsVariable(t *testing.T) {
	cm := &corev1.ConfigMap{ObjectMeta: metav1.ObjectMeta{Name: "app"}, Data: map[string]string{
		"application.properties": "spring.datasource.password=Sup3rS3cret!\nx=y\n"}}
	vs := validators.LiteralSecrets{}.ValidateObject(context.Background(), cm, workloadtest.Env())
	if len(vs) != 1 || !strings.Contains(vs[0].Fix, "${SPRING_DATASOURCE_PASSWORD}") {
		t.Fatalf("findings %v, want one whose fix names ${SPRING_DATASOURCE_PASSWORD}", vs)
	}
}
