package validators

import (
	"path"
	"slices"
	"strings"
)

// Some commands take a password where no option names it: by its place on
// the command line (htpasswd -b file user password), or on their standard
// input (echo ... | docker login --password-stdin, chpasswd), which a
// script feeds from a literal as readably as an argument.

// htpasswdPassword reports whether word j, an argument of htpasswd, is the
// password its -b option takes from the command line: the last of file,
// user and password (user and password with -n).
func htpasswdPassword(ws words, j int) bool {
	cmd := ws.command(j)
	p := slices.IndexFunc(cmd, func(w string) bool { return path.Base(unquoted(w)) == "htpasswd" })
	if p < 0 {
		return false
	}
	var flags string
	positional := 0
	for k := p + 1; k < len(cmd); k++ {
		w := cmd[k]
		if len(w) > 1 && w[0] == '-' {
			flags += w[1:]
			if strings.HasSuffix(w, "C") || strings.HasSuffix(w, "r") { // -C cost, -r rounds take a number
				k++
			}
			continue
		}
		positional++
	}
	before := 2 // file and user
	if strings.Contains(flags, "n") {
		before = 1 // user: -n prints the entry
	}
	return strings.Contains(flags, "b") && positional == before
}

// stdinSecret says why word j, an argument of prog, has prog read a
// literal credential from its standard input, or "": a flag such as
// --password-stdin (docker, podman, helm registry login), gh's
// --with-token, or chpasswd itself (user:password lines), fed by echo or
// printf through a pipe, or by a here-string.
func stdinSecret(prog string, ws words, j int) string {
	w := ws.of[j]
	pairs := false
	switch {
	case prog == "chpasswd" && path.Base(unquoted(w)) == "chpasswd":
		pairs = true
	case prog == "gh" && w == "--with-token":
	case len(w) > 7 && w[0] == '-' && strings.EqualFold(w[len(w)-5:], "stdin") && stdinFlag(w):
	default:
		return ""
	}
	for _, v := range fed(ws, j) {
		if pairs {
			_, v, _ = strings.Cut(unquoted(v), ":")
		}
		if heldLiterally("PASSWORD", v) {
			if pairs {
				return "chpasswd is fed a literal password"
			}
			return w + " is fed a literal value"
		}
	}
	return ""
}

// stdinFlag reports whether a flag reads a credential named like a secret
// from standard input: --password-stdin, --token-stdin.
func stdinFlag(flag string) bool {
	words := nameWords(strings.TrimLeft(flag, "-"))
	return len(words) > 1 && words[len(words)-1] == "STDIN" && secretName(strings.Join(words[:len(words)-1], "_")) != ""
}

// fed is the literal words word j's command is fed on its standard input:
// echo's or printf's arguments piped into it, or a here-string (<<< word).
func fed(ws words, j int) []string {
	var out []string
	for k := 1; ; k++ { // a here-string anywhere in the command
		w, ok := ws.after(j, k)
		if !ok || separates(w) {
			break
		}
		if w == "<<<" {
			if v, ok := ws.after(j, k+1); ok {
				out = append(out, v)
			}
		}
	}
	back := ws.back(j)
	pipe := slices.IndexFunc(back, separates)
	if pipe < 0 || back[pipe] == "||" || !strings.HasSuffix(back[pipe], "|") {
		return out
	}
	prev := slices.Clip(inOrder(back[pipe+1:]))
	if w := strings.TrimSuffix(back[pipe], "|"); w != "" { // echo x| cmd
		prev = append(prev, w)
	}
	// The piping command's program, after assignments and prefixes.
	p := slices.IndexFunc(prev, namesProgram)
	if p < 0 {
		return out
	}
	args := prev[p+1:]
	switch path.Base(prev[p]) {
	case "echo":
		for _, a := range args {
			if !strings.HasPrefix(a, "-") { // -n, -e
				out = append(out, a)
			}
		}
	case "printf":
		if len(args) > 1 {
			args = args[1:] // the format
		}
		out = append(out, args...)
	}
	return out
}
