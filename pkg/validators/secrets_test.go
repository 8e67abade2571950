package validators_test

import (
	"context"
	"testing"

	"github.com/pave-dev/pave/pkg/validators"
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
		{`{name: SIGNING_KEY_ID, value: k-2026-01}`, false},
		{`{name: PASSWORD_FILE, value: /var/run/secrets/db/password}`, false},
		{`{name: DATABASE_URL_PASSWORD, value: hunter2}`, true},
		{`{name: TOKEN_URL, value: "https://user:s3cret@auth.example.com/token"}`, true},
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
