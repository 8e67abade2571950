package validators

import (
	"fmt"
	"net/url"
	"path"
	"regexp"
	"slices"
	"strings"
	"unicode"
)

// How pave tells a literal secret: by the name it is given (split into words,
// camelCase included, common abbreviations known) when the value is not a
// reference, and by the value's shape (a known token format, a private key, a
// URL with a password) whatever the name says.

// secretWords are name words that mark a credential.
var secretWords = []string{"PASSWORD", "PASSWD", "PWD", "PASS", "PASSPHRASE", "SECRET", "TOKEN", "APIKEY",
	"CREDENTIAL", "CREDENTIALS", "PAT", "SK", "PRIVATEKEY"}

// compoundWords are secret words recognised at the end of a longer word
// (DBPASSWORD, GITHUBTOKEN, CLIENTSECRET).
var compoundWords = []string{"PASSWORD", "PASSWD", "SECRET", "TOKEN", "APIKEY", "PRIVATEKEY", "PASSPHRASE"}

// keyQualifiers make KEY a credential (API_KEY, SECRET_KEY); alone, KEY is as
// often a cache, sort or routing key.
var keyQualifiers = []string{"API", "SECRET", "PRIVATE", "ACCESS", "ACCOUNT", "SIGNING", "ENCRYPTION", "MASTER", "LICENSE",
	"AUTH", "CLIENT", "APP", "SERVICE", "SSH", "HMAC", "JWT", "SESSION", "CRYPTO", "ENC", "TLS", "SSL", "GPG", "PGP"}

// pointerWords end names that point at a secret or describe one rather than
// hold it (TOKEN_URL, SECRET_NAME, KEY_ID, PASSWORD_FILE, PASSWORD_MIN_LENGTH,
// External Secrets' --secret-namespace, kube-controller-manager's
// --concurrent-serviceaccount-token-syncs): only their values are judged.
var pointerWords = []string{"URL", "URI", "PATH", "FILE", "DIR", "NAME", "ID", "HEADER", "ENDPOINT", "HOST", "PORT",
	"TTL", "TIMEOUT", "EXPIRY", "LENGTH", "ALGORITHM", "TYPE", "ENABLED", "REF", "AUDIENCE", "ISSUER", "SCOPE", "SCOPES",
	"MIN", "MAX", "POLICY", "MODE", "FORMAT", "PREFIX", "VERSION", "KIND", "SIZE", "COUNT", "PROVIDER", "STORE",
	"ROTATION", "LOCATION", "FIELD", "KEYS", "REGION", "DISABLED", "REQUIRED", "HELPER", "HELPERS", "PLUGIN", "PLUGINS",
	"BACKEND", "METHOD", "NAMESPACE", "NAMESPACES", "LABEL", "LABELS", "SELECTOR", "SYNCS", "PERIOD", "INTERVAL",
	"DURATION", "LIFETIME", "EXPIRATION", "PERMISSIONS", "USER", "USERNAME", "STDIN", "PROMPT"}

// tokenShapes are credential formats whose shape alone gives them away. Each
// has a fixed marker, looked for first: regular expressions on every value
// were a third of pave check's time.
var tokenShapes = []struct {
	what, marker string
	re           *regexp.Regexp
}{
	{"a GitHub token", "gh", regexp.MustCompile(`\b(gh[pousr]_[A-Za-z0-9]{30,}|github_pat_[A-Za-z0-9_]{22,})`)},
	{"a GitLab token", "glpat-", regexp.MustCompile(`\bglpat-[A-Za-z0-9_-]{20,}`)},
	{"an AWS access key", "A", regexp.MustCompile(`\b(AKIA|ASIA)[0-9A-Z]{16}\b`)},
	{"a Stripe key", "k_", regexp.MustCompile(`\b[rs]k_(live|test)_[0-9A-Za-z]{10,}`)},
	{"a Slack token", "xox", regexp.MustCompile(`\bxox[abprs]-[0-9A-Za-z-]{10,}`)},
	{"a Google API key", "AIza", regexp.MustCompile(`\bAIza[0-9A-Za-z_-]{35}`)},
	{"an npm token", "npm_", regexp.MustCompile(`\bnpm_[A-Za-z0-9]{36}`)},
	{"an API key (sk-...)", "sk-", regexp.MustCompile(`\bsk-(proj-|ant-)?[A-Za-z0-9_-]{32,}`)},
	{"a JSON Web Token", "eyJ", regexp.MustCompile(`\beyJ[A-Za-z0-9_-]{8,}\.eyJ[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]{8,}`)},
	{"a Slack webhook URL", "hooks.slack.com/", regexp.MustCompile(`hooks\.slack\.com/(services|workflows|triggers)/[A-Za-z0-9_/-]{20,}`)},
	{"a Discord webhook URL", "/api/webhooks/", regexp.MustCompile(`discord(app)?\.com/api/webhooks/[0-9]+/[A-Za-z0-9_-]{20,}`)},
}

// passwordSetting is a password in a connection string (Password=s3cret;).
var passwordSetting = regexp.MustCompile(`(?i)(?:^|[;&?\s])(?:password|pwd)=([^;&\s]+)`)

// nameWords splits a name into upper-case words at _ - . and spaces and at
// camelCase boundaries: dbPassword and DBPassword are DB PASSWORD.
func nameWords(name string) []string {
	var words []string
	var cur []rune
	rs := []rune(name)
	flush := func() {
		if len(cur) > 0 {
			words = append(words, strings.ToUpper(string(cur)))
			cur = cur[:0]
		}
	}
	for i, r := range rs {
		switch {
		case !unicode.IsLetter(r) && !unicode.IsDigit(r):
			flush()
			continue
		case unicode.IsUpper(r) && i > 0 && unicode.IsLower(rs[i-1]):
			flush() // dbPassword
		case unicode.IsUpper(r) && i > 0 && unicode.IsUpper(rs[i-1]) && i+1 < len(rs) && unicode.IsLower(rs[i+1]):
			flush() // DBPassword
		}
		cur = append(cur, r)
	}
	flush()
	return words
}

// identifiers are names of a secret word that name no credential: etcd's
// initial cluster token (--initial-cluster-token, ETCD_INITIAL_CLUSTER_TOKEN)
// tells one cluster's members from another's at bootstrap, and etcd's own
// manifests, Kubernetes' and Cilium's among them, write it in plain text.
var identifiers = [][]string{{"INITIAL", "CLUSTER", "TOKEN"}}

// identifies reports whether a name's words end in one of identifiers.
func identifies(words []string) bool {
	for _, id := range identifiers {
		if len(words) >= len(id) && slices.Equal(words[len(words)-len(id):], id) {
			return true
		}
	}
	return false
}

// secretName says which word of a name marks a credential, or "". A name
// that starts with EXISTING names a Secret that exists already (a Helm
// chart's existingSecret, existingSecretPasswordKey).
func secretName(name string) string {
	words := nameWords(name)
	if len(words) == 0 || slices.Contains(pointerWords, words[len(words)-1]) || identifies(words) || words[0] == "EXISTING" {
		return ""
	}
	for i, w := range words {
		switch {
		case slices.Contains(secretWords, w):
			return w
		case w == "KEY" && (len(words) == 1 || i > 0 && slices.Contains(keyQualifiers, words[i-1])):
			return strings.Join(words[max(i-1, 0):i+1], "_")
		}
		for _, c := range compoundWords {
			if len(w) > len(c) && strings.HasSuffix(w, c) {
				return c
			}
		}
	}
	return ""
}

// notSecret reports whether a value names a secret rather than holds one: a
// $(VAR) reference, a ${VAR} placeholder, a file path, a switch word, or
// hides it: Jasypt's ENC(...), which the program decrypts with a key it
// gets elsewhere.
func notSecret(v string) bool {
	v = strings.TrimSpace(v)
	switch strings.ToLower(v) {
	case "", "true", "false", "yes", "no", "on", "off", "none", "null", "0", "1", "enabled", "disabled":
		return true
	}
	return strings.HasPrefix(v, "/") || (strings.HasPrefix(v, "$(") && strings.HasSuffix(v, ")") && !strings.Contains(v[2:], "$(")) ||
		placeholder(v) || strings.HasPrefix(v, "ENC(") && strings.HasSuffix(v, ")")
}

// placeholder reports whether v is a ${NAME} placeholder alone, which the
// program resolves from elsewhere (Spring's ${db.password}, what kompose
// writes for a Compose file's variables): the value says nothing.
func placeholder(v string) bool {
	name, ok := strings.CutPrefix(v, "${")
	if !ok {
		return false
	}
	if name, ok = strings.CutSuffix(name, "}"); !ok || name == "" {
		return false
	}
	return !strings.ContainsFunc(name, func(r rune) bool {
		return r != '_' && r != '.' && !unicode.IsLetter(r) && !unicode.IsDigit(r)
	})
}

// secretValue says why a value is a credential by its shape alone, or "".
func secretValue(v string) string {
	if strings.Contains(v, "-----BEGIN") && strings.Contains(v, "PRIVATE KEY") {
		return "the value is a private key"
	}
	if len(v) < 16 { // shorter than any token or connection string below
		return ""
	}
	for _, s := range tokenShapes {
		if strings.Contains(v, s.marker) && s.re.MatchString(v) {
			return "the value has the shape of " + s.what
		}
	}
	if !strings.Contains(v, "@") && !strings.Contains(v, "=") {
		return ""
	}
	for _, f := range strings.Fields(v) {
		f = unquoted(f)                    // psql "postgresql://..." in a script
		_, after, _ := strings.Cut(f, "=") // --db=postgres://...
		for _, candidate := range []string{f, unquoted(after)} {
			if u, err := url.Parse(candidate); err == nil && u.Scheme != "" && u.User != nil {
				if _, hasPassword := u.User.Password(); hasPassword {
					return "the value is a connection string with a password"
				}
			}
		}
	}
	for _, m := range passwordSetting.FindAllStringSubmatch(v, -1) {
		if !notSecret(m[1]) {
			return "the value sets a password (password=...)"
		}
	}
	return secretConnection(v)
}

// secretVar says why an environment variable holds a literal secret, or "".
func secretVar(name, value string) string {
	if w := secretName(name); w != "" && holds(w, value) {
		return fmt.Sprintf("its name contains %s", w)
	}
	return secretValue(value)
}

// holds says whether value, given under a name secretName marked with
// word, holds the secret rather than names one. Under a name that is KEY
// alone, only one word of 16 characters or more does, as API keys are:
// `key: value` and `key: some value` are how example ConfigMaps are written
// (Kyverno's test resources hold two dozen), and a routing key is a short
// word.
func holds(word, value string) bool {
	if notSecret(value) {
		return false
	}
	v := strings.TrimSpace(value)
	return word != "KEY" || len(v) >= 16 && !strings.ContainsFunc(v, unicode.IsSpace)
}

// heldLiterally says whether v, given under a name or an option marked
// with word, is the secret written out: held (holds), once unquoted, and
// not an expansion the shell or the program replaces.
func heldLiterally(word, v string) bool {
	v = unquoted(v)
	return !expansion(v) && holds(word, v)
}

// secretArg says why args[i] holds a literal secret, or "". It reads flags
// (--db-password=x, or --db-password x with the value in the next argument),
// NAME=value assignments (a shell script in one argument is split into
// words), token shapes, and what well-known clients and HTTP headers are
// given (clientSecret), knowing which program each word is an argument of.
func secretArg(args []string, i int) string {
	words := strings.Fields(args[i])
	ws := wordsOf(args, i, words)
	prog, atCommand := programOf(args, i)
	for j, w := range words {
		if atCommand && namesProgram(w) {
			prog, atCommand = path.Base(unquoted(w)), false
		}
		atCommand = atCommand || separates(w)
		if why := secretValue(w); why != "" {
			return why
		}
		if why := clientSecret(prog, ws, j); why != "" {
			return why
		}
		flag, value, assigned := strings.Cut(w, "=")
		name := strings.TrimLeft(flag, "-")
		marked := secretName(name)
		if assigned && marked == "" && strings.HasPrefix(flag, "-") {
			// An option that sets a named value: kubectl's
			// --from-literal=password=..., helm's --set=db.password=...
			if inner, v, ok := strings.Cut(unquoted(value), "="); ok {
				if word := secretName(inner); word != "" && heldLiterally(word, v) {
					return fmt.Sprintf("%s sets %s to a literal value", flag, inner)
				}
			}
		}
		if name == "" || marked == "" {
			continue
		}
		if assigned {
			if heldLiterally(marked, value) {
				return fmt.Sprintf("%s is given a literal value", flag)
			}
			continue
		}
		if !strings.HasPrefix(flag, "-") {
			continue
		}
		if next, ok := ws.after(j, 1); ok && !separates(w) && !strings.HasPrefix(next, "-") && !operator(next) && heldLiterally(marked, next) {
			return fmt.Sprintf("%s is followed by a literal value", flag)
		}
	}
	return ""
}
