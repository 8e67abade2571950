package validators

import (
	"encoding/json"
	"fmt"
	"maps"
	"path"
	"slices"
	"strings"
	"unicode"
)

// settingsFiles are the extensions of configuration files whose lines set
// names to values: Java properties, INI and its kin (my.cnf, php.ini,
// grafana.ini), .env files, YAML, JSON and TOML. Their lines are read as
// settings, so that spring.datasource.password=... in an
// application.properties is the literal an env var DB_PASSWORD=... is.
// Code (a .py, .js or .sh) is left to the value's shape: its lines assign
// what the program computes (password = os.environ["DB_PASSWORD"]).
var settingsFiles = []string{".properties", ".ini", ".cfg", ".conf", ".cnf", ".env", ".yaml", ".yml", ".json", ".toml"}

// secretFile says why a ConfigMap's key holds a secret, or "". A key with a
// file's extension whose value spans lines is a file (secret.html, a page
// of Istio's tests), judged by what it holds, not by its name, and a
// configuration file's settings too (a JSON document's members,
// secretJSON, else its lines, secretSetting); one line under
// such a name (password.txt) is judged as a variable is. setting is the
// name of the configuration file's setting that holds it, if one does.
func secretFile(key, value string) (why, setting string) {
	ext := path.Ext(key)
	if len(ext) > 1 && !strings.ContainsFunc(ext[1:], func(r rune) bool { return !unicode.IsLetter(r) }) &&
		strings.Contains(strings.TrimSpace(value), "\n") {
		if slices.Contains(settingsFiles, strings.ToLower(ext)) {
			if why, setting, isJSON := secretJSON(value); isJSON {
				if why != "" {
					return why, setting
				}
			} else if why, setting := secretSetting(value); why != "" {
				return why, setting
			}
		}
		return secretValue(value), ""
	}
	return secretVar(key, value), ""
}

// secretEnv says why a container's environment variable holds a literal
// secret, or "": as secretVar says, or by a setting inside its value
// (secretInValue). A ConfigMap's keys are judged by secretVar alone: the
// ones without a file's extension hold templates and whole configurations
// (Istio's injector, Kyverno's webhooks) that are not settings.
func secretEnv(name, value string) string {
	if why := secretVar(name, value); why != "" {
		return why
	}
	return secretInValue(value)
}

// secretSetting says why a configuration file sets a credential in one of
// its lines, or "": a line `name = value`, `name: value` or
// `"name": "value"` whose name marks a credential (as an env var's does)
// and whose value holds one. The reason names the line, never the value;
// setting is the setting's name.
func secretSetting(file string) (why, setting string) {
	// The settings a line is nested in: a YAML mapping's keys by their
	// indent, an INI or TOML section (indent -1), so that the finding
	// names spring.datasource.password, not password.
	type parent struct {
		indent int
		name   string
	}
	var in []parent
	n := 0
	for line := range strings.Lines(file) {
		n++
		t := strings.TrimSpace(line)
		if section, ok := strings.CutPrefix(t, "["); ok && strings.HasSuffix(section, "]") && !strings.ContainsAny(section, " ,\"'") {
			in = []parent{{-1, strings.Trim(section, "[]")}}
			continue
		}
		indent := len(line) - len(strings.TrimLeft(line, " "))
		if strings.HasPrefix(t, "- ") {
			// A list item's key stands where its text does: two columns
			// in, inside the key above it even when the dash is at that
			// key's own indent (users:, then - password: at column 0).
			indent += 2
		}
		name, value, ok := settingOf(line)
		if !ok {
			continue
		}
		for len(in) > 0 && in[len(in)-1].indent >= indent {
			in = in[:len(in)-1]
		}
		if value == "" && strings.HasSuffix(strings.TrimSpace(strings.TrimPrefix(t, "- ")), ":") {
			in = append(in, parent{indent, name})
			continue
		}
		if w := secretName(name); w != "" && holdsSetting(w, value) {
			for i := len(in) - 1; i >= 0; i-- {
				name = in[i].name + "." + name
			}
			return fmt.Sprintf("line %d sets %s", n, name), name
		}
	}
	return "", ""
}

// settingOf reads a line of a configuration file as a name and its value: a
// YAML list item's or a .env's `export` in front, the quotes around a JSON
// member's name and value and the comma after it, and a YAML comment after
// the value are not part of them. Comments, INI sections and lines whose
// part before the separator is not a name (prose, code) are not settings.
func settingOf(line string) (name, value string, ok bool) {
	s := strings.TrimSpace(line)
	s = strings.TrimPrefix(s, "- ")
	s = strings.TrimPrefix(s, "export ")
	if s == "" || strings.ContainsRune("#;[<{}/", rune(s[0])) {
		return "", "", false
	}
	i := strings.IndexAny(s, "=:")
	if i <= 0 {
		return "", "", false
	}
	name = strings.Trim(strings.TrimSpace(s[:i]), `"'`)
	if name == "" || strings.ContainsFunc(name, func(r rune) bool {
		return r != '_' && r != '-' && r != '.' && (r < 'a' || r > 'z') && (r < 'A' || r > 'Z') && (r < '0' || r > '9')
	}) {
		return "", "", false
	}
	value = strings.TrimSpace(s[i+1:])
	if strings.HasPrefix(value, "=") { // ==, := : a comparison or an assignment in code
		return "", "", false
	}
	if c := strings.Index(value, " #"); c >= 0 && !strings.HasPrefix(value, `"`) && !strings.HasPrefix(value, "'") {
		value = strings.TrimSpace(value[:c])
	}
	value = strings.TrimSuffix(value, ",")
	if len(value) >= 2 && (value[0] == '"' || value[0] == '\'') && value[len(value)-1] == value[0] {
		value = value[1 : len(value)-1]
	}
	return name, value, true
}

// holdsSetting says whether a setting's value, under a name secretName
// marked with word, is the credential itself: not a YAML block, structure,
// tag, anchor or alias (the value is elsewhere), an expansion the program
// or its loader resolves ($DB_PASSWORD, ${DB_PASSWORD}), a mask
// (********), an <angle-bracketed> placeholder or a number (a count or a
// port under a name like max_pass), and held as holds decides for an env
// var. A name that is KEY alone marks nothing here.
func holdsSetting(word, value string) bool {
	switch {
	case word == "KEY", // a map's or a label's key in a configuration: key: app.kubernetes.io/name
		value == "" || value == "~",
		strings.ContainsRune("|>[{!&*<", rune(value[0])),
		expansion(value),
		strings.Trim(value, "*") == "",
		strings.Trim(value, "0123456789") == "":
		return false
	}
	return holds(word, value)
}

// envName is the environment variable a setting's placeholder names: its
// words in upper case, joined by underscores (spring.datasource.password is
// SPRING_DATASOURCE_PASSWORD, as Spring's relaxed binding reads it).
func envName(setting string) string { return strings.Join(nameWords(setting), "_") }

// secretInValue says why a variable's value sets a credential inside it,
// or "": a JSON document (SPRING_APPLICATION_JSON), settings on several
// lines (a YAML or properties file in one variable), or options
// (JAVA_OPTS=-Dspring.datasource.password=..., EXTRA_ARGS=--token ...),
// which are read as a container's arguments are. Other values are not
// split: a query string or a sentence is not a setting, and a variable is
// read at every validation.
func secretInValue(v string) string {
	t := strings.TrimSpace(v)
	if t == "" {
		return ""
	}
	if t[0] == '{' || t[0] == '[' {
		if why, _, isJSON := secretJSON(t); isJSON {
			return why
		}
	}
	if strings.Contains(t, "\n") {
		if why, _ := secretSetting(t); why != "" {
			return why
		}
	}
	if t[0] == '-' {
		return secretArg([]string{t}, 0)
	}
	return ""
}

// secretJSON says why a JSON document sets a credential, or "", with the
// setting's path; isJSON is false when doc is not JSON. Every string
// member is judged by its name as a setting is, at any depth, in the
// members' order by name.
func secretJSON(doc string) (why, setting string, isJSON bool) {
	var v any
	if err := json.Unmarshal([]byte(doc), &v); err != nil {
		return "", "", false
	}
	setting = jsonSetting(v, "")
	if setting == "" {
		return "", "", true
	}
	return "it sets " + setting, setting, true
}

// jsonSetting is the path of the first string member under v, at path,
// that holds a credential, or "".
func jsonSetting(v any, path string) string {
	switch v := v.(type) {
	case map[string]any:
		for _, k := range slices.Sorted(maps.Keys(v)) {
			at := k
			if path != "" {
				at = path + "." + k
			}
			if s, ok := v[k].(string); ok {
				if w := secretName(k); w != "" && holdsSetting(w, strings.TrimSpace(s)) {
					return at
				}
				continue
			}
			if found := jsonSetting(v[k], at); found != "" {
				return found
			}
		}
	case []any:
		for i, e := range v {
			if found := jsonSetting(e, fmt.Sprintf("%s[%d]", path, i)); found != "" {
				return found
			}
		}
	}
	return ""
}

// secretConnection says why a connection string sets a credential, or "":
// a value of one line of `Name=value;` settings (Azure's storage and
// Service Bus strings, ADO.NET's) one of whose names marks a credential
// (AccountKey, SharedAccessKey, Password, Pwd) and holds it.
func secretConnection(v string) string {
	if !strings.Contains(v, ";") || !strings.Contains(v, "=") || strings.Contains(v, "\n") {
		return ""
	}
	for part := range strings.SplitSeq(v, ";") {
		name, value, ok := strings.Cut(strings.TrimSpace(part), "=")
		if !ok || name == "" || strings.ContainsFunc(name, func(r rune) bool {
			return r != ' ' && r != '_' && r != '.' && !unicode.IsLetter(r) && !unicode.IsDigit(r)
		}) {
			continue
		}
		if w := secretName(name); w != "" && heldLiterally(w, value) {
			return "the connection string sets " + name
		}
	}
	return ""
}
