package validators

import (
	"path"
	"slices"
	"strings"
	"unicode"
)

// Well-known clients take a password in an option whose name says nothing
// (mysql's -p, curl's -u user:password, redis-cli's -a), and any HTTP client
// an Authorization header: the forms a script or an argument list gives them
// in, which the flag reading of secretArg does not see.

// mysqlClients take -p<password>, attached (-p alone prompts).
var mysqlClients = []string{"mysql", "mysqldump", "mysqladmin", "mysqlimport", "mysqlshow", "mysqlcheck",
	"mariadb", "mariadb-dump", "mariadb-admin", "mariadb-import", "mariadb-show", "mariadb-check"}

// followedByPassword are each client's options whose next word is a
// password.
var followedByPassword = map[string][]string{"redis-cli": {"-a"}, "sshpass": {"-p"},
	"mongosh": {"-p"}, "mongo": {"-p"}, "mongodump": {"-p"}, "mongorestore": {"-p"}, "mongoexport": {"-p"},
	"mongoimport": {"-p"}, "mongostat": {"-p"}, "mongotop": {"-p"}, "mongofiles": {"-p"},
	"sqlcmd": {"-P"}, "bcp": {"-P"}, "zip": {"-P"}, "unzip": {"-P"}, "ssh-keygen": {"-N", "-P"}, "openssl": {"-k"},
	"keytool":   {"-storepass", "-keypass", "-srcstorepass", "-deststorepass", "-srckeypass", "-destkeypass"},
	"jarsigner": {"-storepass", "-keypass"}, "curl": {"--oauth2-bearer"}}

// loginClients take a password after -p in their login command (docker
// login -p, helm registry login -p); elsewhere their -p is a port (docker
// run -p 8080:80) or a path.
var loginClients = []string{"docker", "podman", "nerdctl", "buildah", "skopeo", "helm", "oras", "crane", "regctl"}

// shells run their -c argument as a script, whose first word is a program.
var shells = []string{"sh", "bash", "ash", "dash", "zsh", "ksh"}

// commandPrefixes run the word after them as the program (exec mysql ...).
var commandPrefixes = []string{"exec", "sudo", "env", "nohup", "time", "command", "xargs"}

// words is a reader of the words of an argument list from one word on: the
// words of its argument, then those of the arguments after it.
type words struct {
	args []string
	i    int      // the argument being read
	of   []string // its words
}

// wordsOf reads from args[i], whose words are of.
func wordsOf(args []string, i int, of []string) words { return words{args: args, i: i, of: of} }

// before is the word before word j, and whether there is one.
func (ws words) before(j int) (string, bool) {
	if j > 0 {
		return ws.of[j-1], true
	}
	if ws.i == 0 {
		return "", false
	}
	f := strings.Fields(ws.args[ws.i-1])
	if len(f) == 0 {
		return "", true
	}
	return f[len(f)-1], true
}

// after is the k-th word after word j, and whether there is one.
func (ws words) after(j, k int) (string, bool) {
	if j+k < len(ws.of) {
		return ws.of[j+k], true
	}
	k -= len(ws.of) - j - 1 // k-th word of the arguments after
	for _, a := range ws.args[ws.i+1:] {
		f := strings.Fields(a)
		if len(f) == 0 {
			f = []string{""} // an empty argument is a value: empty
		}
		if k <= len(f) {
			return f[k-1], true
		}
		k -= len(f)
	}
	return "", false
}

// back is the words before word j, nearest first, as far back as its
// script or argument list goes (64 words at most: a command is read, not
// a whole script).
func (ws words) back(j int) []string {
	var out []string
	of, i := ws.of[:j], ws.i
	for len(out) < 64 {
		for m := len(of) - 1; m >= 0; m-- {
			out = append(out, of[m])
		}
		if i == 0 || startsCommand(ws.args, i) {
			break
		}
		i--
		of = strings.Fields(ws.args[i])
	}
	return out
}

// command is the words of word j's command before it, in order: from the
// script's separator before it (;, &&, |), or the list's start.
func (ws words) command(j int) []string { return inOrder(ws.back(j)) }

// inOrder is the command that nearest, words nearest first, ends: its
// words up to the separator before them, in order. nearest is reordered.
func inOrder(nearest []string) []string {
	if n := slices.IndexFunc(nearest, separates); n >= 0 {
		nearest = nearest[:n]
	}
	slices.Reverse(nearest)
	return nearest
}

// operator reports whether a script's word is a redirection or separator
// rather than an argument: what follows an option here is not its value
// (gh auth login --with-token < token.txt).
func operator(w string) bool {
	return w != "" && strings.ContainsRune("<>|&;", rune(w[0]))
}

// unquoted is a script's word as the program gets it: without the quotes
// around it, or the comma or semicolon after it that ends a statement (an
// empty quoted MASTER_PASSWORD and a comma in SQL, DB_PASSWORD=x; in a
// shell), so that an empty value is seen as empty.
func unquoted(word string) string {
	return strings.Trim(strings.TrimRight(word, ",;"), `"'`)
}

// expansion reports whether an argument's word is replaced before the
// program reads it, so that it names a value rather than holds one: a shell's
// $NAME, ${NAME}, $(command) or `command` (TOKEN=$(curl ...) in a script,
// Flagger's podinfo chart among others), and Kubernetes' own $(NAME), which
// the split into words may have cut from its closing parenthesis. A literal
// that starts so is read by the shell as an expansion too.
func expansion(word string) bool {
	w := strings.TrimLeft(word, `"'`)
	if strings.HasPrefix(w, "`") {
		return true
	}
	if len(w) < 2 || w[0] != '$' {
		return false
	}
	if inner, ok := strings.CutPrefix(w, "${"); ok {
		// ${NAME:-default} holds its default: a literal, unless it is
		// empty or an expansion itself.
		inner, _, _ = strings.Cut(inner, "}")
		if i := strings.IndexAny(inner, "-=?+"); i >= 0 {
			d := inner[i+1:]
			return d == "" || d[0] == '$'
		}
		return true
	}
	c := rune(w[1])
	return c == '(' || c == '_' || unicode.IsLetter(c)
}

// startsCommand reports whether args[i]'s first word is in a program's
// place: the list's first, or a shell's script (sh -c '...').
func startsCommand(args []string, i int) bool {
	if i == 0 {
		return true
	}
	prev := strings.TrimSpace(args[i-1])
	return slices.Contains(shells, path.Base(firstField(args[0]))) &&
		len(prev) > 1 && prev[0] == '-' && prev[1] != '-' && strings.HasSuffix(prev, "c")
}

// firstField is s's first word, without splitting the rest: it is asked
// of a list's first argument for every argument.
func firstField(s string) string {
	s = strings.TrimLeftFunc(s, unicode.IsSpace)
	if end := strings.IndexFunc(s, unicode.IsSpace); end >= 0 {
		return s[:end]
	}
	return s
}

// programOf is the program args[i]'s first word is an argument of: the
// list's first word, unless args[i] starts a command itself.
func programOf(args []string, i int) (prog string, atCommand bool) {
	if startsCommand(args, i) {
		return "", true
	}
	if first := firstField(args[0]); first != "" {
		return path.Base(unquoted(first)), false
	}
	return "", false
}

// namesProgram reports whether w, a word where a command starts, is its
// program: not an assignment before it (PGHOST=db) nor a prefix that runs
// the word after it (exec, sudo).
func namesProgram(w string) bool {
	return !strings.Contains(w, "=") && !slices.Contains(commandPrefixes, w)
}

// separates reports whether the word after w starts another command in a
// script.
func separates(w string) bool {
	return w == "&&" || w == "||" || strings.HasSuffix(w, ";") || strings.HasSuffix(w, "|") || strings.HasSuffix(w, "&")
}

// clientSecret says why word j, an argument of prog, hands a client a
// literal credential, or "".
func clientSecret(prog string, ws words, j int) string {
	w := ws.of[j]
	switch {
	case slices.Contains(mysqlClients, prog) && strings.HasPrefix(w, "-p") && len(w) > 2:
		if heldLiterally("PASSWORD", w[2:]) {
			return "-p is given a literal password"
		}
	case prog == "curl" && (strings.HasPrefix(w, "-u") || w == "--user" || strings.HasPrefix(w, "--user=")):
		v, ok := w[min(len(w), 2):], true
		switch {
		case w == "-u" || w == "--user":
			v, ok = ws.after(j, 1)
		case strings.HasPrefix(w, "--user="):
			v = strings.TrimPrefix(w, "--user=")
		}
		v = unquoted(v)
		if _, password, hasPassword := strings.Cut(v, ":"); ok && hasPassword && !expansion(v) && heldLiterally("PASSWORD", password) {
			return "curl's -u is given a user and a literal password"
		}
	case slices.Contains(followedByPassword[prog], w) || w == "-p" && slices.Contains(loginClients, prog) && slices.Contains(ws.command(j), "login"):
		// An option that may stand alone (mongosh -p prompts) can be
		// followed by another option, an operator or the server's URL.
		if v, ok := ws.after(j, 1); ok && !strings.HasPrefix(v, "-") && !operator(v) && !strings.Contains(v, "://") && heldLiterally("PASSWORD", v) {
			return w + " is followed by a literal password"
		}
	case prog == "openssl" && strings.HasPrefix(unquoted(w), "pass:"): // -passin pass:..., against env:, file:, fd:
		if heldLiterally("PASSWORD", unquoted(w)[len("pass:"):]) {
			return "openssl is given a literal password (pass:)"
		}
	case prog == "htpasswd" && w != "" && w[0] != '-':
		if htpasswdPassword(ws, j) && heldLiterally("PASSWORD", w) {
			return "htpasswd -b is given a literal password"
		}
	}
	if why := stdinSecret(prog, ws, j); why != "" {
		return why
	}
	return headerSecret(prog, ws, j)
}

// httpieClients take request items, a header among them as Name:Value (and
// a query parameter as name==value, a JSON field as name:=value).
var httpieClients = []string{"http", "https", "xh", "xhs"}

// headerSecret says why word j starts an HTTP header that carries a literal
// credential, or "": an Authorization header anywhere (Bearer, Basic,
// Token; HTTPie's Authorization:Bearer in one word too), or a header named
// like a secret given to -H (attached as curl takes it, -HX-Api-Key:),
// --header (X-Api-Key: ...) or HTTPie (X-Api-Key:...). It is found at the
// word that names the header.
func headerSecret(prog string, ws words, j int) string {
	w := ws.of[j]
	header, given := w, false // the header's name and colon, and whether -H or --header gives it
	switch {
	case len(w) > 9 && strings.EqualFold(w[:9], "--header="):
		header, given = w[9:], true
	case len(w) > 2 && w[:2] == "-H":
		header, given = w[2:], true
	}
	name, scheme, isHeader := strings.Cut(unquoted(header), ":")
	if !isHeader { // most words: nothing more is read
		return ""
	}
	httpie := slices.Contains(httpieClients, prog)
	if prev, ok := ws.before(j); ok && !given {
		given = prev == "-H" || prev == "--header" || httpie
	}
	k := 1 // the header's value is k words on
	switch {
	case strings.EqualFold(name, "authorization"):
		if scheme == "" { // Authorization: Bearer, the scheme a word on
			var ok bool
			if scheme, ok = ws.after(j, k); !ok {
				return ""
			}
			k++
		}
		if !slices.Contains([]string{"bearer", "basic", "token"}, strings.ToLower(unquoted(scheme))) {
			return ""
		}
	case scheme != "": // X-Api-Key:value in one word: HTTPie's request item, or no header
		if httpie && !strings.HasPrefix(scheme, "=") && secretName(name) != "" && heldLiterally("TOKEN", scheme) {
			return "the header " + name + " carries a literal credential"
		}
		return ""
	case !given || secretName(name) == "":
		return ""
	}
	if v, ok := ws.after(j, k); ok && heldLiterally("TOKEN", v) {
		return "the header " + name + " carries a literal credential"
	}
	return ""
}
