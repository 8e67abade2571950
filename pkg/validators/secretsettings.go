package validators

import (
	"fmt"
	"strings"
)

// settingsFiles are the extensions of configuration files whose lines set
// names to values: Java properties, INI and its kin (my.cnf, php.ini,
// grafana.ini), .env files, YAML, JSON and TOML. Their lines are read as
// settings, so that spring.datasource.password=... in an
// application.properties is the literal an env var DB_PASSWORD=... is.
// Code (a .py, .js or .sh) is left to the value's shape: its lines assign
// what the program computes (password = os.environ["DB_PASSWORD"]).
var settingsFiles = []string{".properties", ".ini", ".cfg", ".conf", ".cnf", ".env", ".yaml", ".yml", ".json", ".toml"}

// secretSetting says why a configuration file sets a credential in one of
// its lines, or "": a line `name = value`, `name: value` or
// `"name": "value"` whose name marks a credential (as an env var's does)
// and whose value holds one. The reason names the line, never the value;
// setting is the setting's name.
func secretSetting(file string) (why, setting string) {
	n := 0
	for line := range strings.Lines(file) {
		n++
		name, value, ok := settingOf(line)
		if !ok {
			continue
		}
		if w := secretName(name); w != "" && holdsSetting(w, value) {
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
// or its loader resolves ($DB_PASSWORD, ${DB_PASSWORD}), a Jasypt ENC(...)
// ciphertext, a mask (********), an <angle-bracketed> placeholder or a
// number (a count or a port under a name like max_pass), and held as
// holds decides for an env var.
func holdsSetting(word, value string) bool {
	switch {
	case value == "" || value == "~",
		strings.ContainsRune("|>[{!&*<", rune(value[0])),
		expansion(value),
		strings.HasPrefix(value, "ENC(") && strings.HasSuffix(value, ")"),
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
