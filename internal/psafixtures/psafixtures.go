// Package psafixtures finds the Kubernetes project's own Pod Security
// fixtures, which ship in the module pave's checks come from
// (k8s.io/pod-security-admission, test/testdata): for each level and
// version, pods the standard refuses (fail/) and pods it accepts (pass/).
// pave's tests hold pave check and admission to them.
package psafixtures

import (
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"

	psaapi "k8s.io/pod-security-admission/api"
)

// Files are the fixtures of a level ("restricted", "baseline") for the
// newest version the module has, by verdict: "fail" and "pass".
func Files(level string) (map[string][]string, error) {
	out, err := exec.Command("go", "list", "-m", "-f", "{{.Dir}}", "k8s.io/pod-security-admission").Output()
	if err != nil {
		return nil, fmt.Errorf("locate k8s.io/pod-security-admission: %w", err)
	}
	root := filepath.Join(strings.TrimSpace(string(out)), "test", "testdata", level)
	entries, err := os.ReadDir(root)
	if err != nil {
		return nil, fmt.Errorf("pod security fixtures: %w", err)
	}
	newest, version := "", psaapi.Version{}
	for _, e := range entries {
		if v, err := psaapi.ParseVersion(e.Name()); err == nil && !v.Latest() && (newest == "" || version.Older(v)) {
			newest, version = e.Name(), v
		}
	}
	if newest == "" {
		return nil, fmt.Errorf("no fixture versions in %s", root)
	}
	files := map[string][]string{}
	for _, verdict := range []string{"fail", "pass"} {
		found, err := filepath.Glob(filepath.Join(root, newest, verdict, "*.yaml"))
		if err != nil || len(found) == 0 {
			return nil, fmt.Errorf("no %s fixtures in %s: %v", verdict, filepath.Join(root, newest), err)
		}
		files[verdict] = found
	}
	return files, nil
}

// Read is a fixture as the API server takes it: written for the library's
// checks, its name may hold an underscore, which a Pod's name may not; that
// is made a dash.
func Read(file string) (string, error) {
	data, err := os.ReadFile(file)
	if err != nil {
		return "", err
	}
	name := strings.TrimSuffix(filepath.Base(file), ".yaml")
	return strings.Replace(string(data), "name: "+name+"\n", "name: "+strings.ReplaceAll(name, "_", "-")+"\n", 1), nil
}
