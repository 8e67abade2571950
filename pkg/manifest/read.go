package manifest

import (
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"sort"
	"strings"
)

// Input is one named stream of YAML.
type Input struct {
	Source string
	Data   []byte
}

// ReadPaths reads files, directories (recursively, *.yaml, *.yml and *.json, in
// lexical order, but for Helm charts and what is hidden below them: names
// starting with a dot) and "-" for stdin. An unreadable path,
// a directory that holds no such file, or a chart is returned as an error
// beside the inputs that could be read, so one bad path stops nothing else.
func ReadPaths(paths []string, stdin io.Reader) ([]Input, []error) {
	var inputs []Input
	var errs []error
	for _, p := range paths {
		if p == "-" {
			data, err := io.ReadAll(stdin)
			if err != nil {
				errs = append(errs, fmt.Errorf("read stdin: %w", err))
				continue
			}
			inputs = append(inputs, Input{Source: "-", Data: data})
			continue
		}
		files, expandErrs := expand(p)
		errs = append(errs, expandErrs...)
		for _, f := range files {
			data, err := ReadFile(f)
			if err != nil {
				errs = append(errs, err)
				continue
			}
			inputs = append(inputs, Input{Source: f, Data: data})
		}
	}
	return inputs, errs
}

// expand lists the manifest files of a path. A Helm chart below it is not
// read (chartError).
func expand(p string) ([]string, []error) {
	st, err := os.Stat(p)
	if err != nil {
		return nil, []error{fmt.Errorf("read %s: %w", p, withoutPath(err))}
	}
	if !st.IsDir() {
		return []string{p}, nil
	}
	var files []string
	var errs []error
	err = filepath.WalkDir(p, func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if path != p && strings.HasPrefix(d.Name(), ".") {
			// A repository's .github/workflows, .gitlab-ci.yml and
			// .pre-commit-config.yaml are YAML but no manifests, and
			// pave check -f . in CI would fail on each; named on the
			// command line, a hidden file or directory is read.
			if d.IsDir() {
				return fs.SkipDir
			}
			return nil
		}
		if d.IsDir() {
			if err := chartError(path); err != nil {
				errs = append(errs, err)
				return fs.SkipDir
			}
			return nil
		}
		if isManifest(path) {
			files = append(files, path)
		}
		return nil
	})
	if err != nil {
		return nil, []error{fmt.Errorf("read directory %s: %w", p, err)}
	}
	if len(files) == 0 && len(errs) == 0 {
		// kubectl refuses such a path too: a CI job pointed at the wrong
		// directory would otherwise check nothing and pass.
		errs = append(errs, fmt.Errorf("read directory %s: no .yaml, .yml or .json file in it or below it (the extensions kubectl reads)", p))
	}
	sort.Strings(files)
	return files, errs
}

// chartError is an error saying how to check dir when it is a Helm chart: its
// templates are YAML only once rendered, and each would be an error of its
// own. A kustomization's files are read: its resources are manifests as
// they are (its own file says what to do when it is no object, Decode).
func chartError(dir string) error {
	if _, err := os.Stat(filepath.Join(dir, "Chart.yaml")); err == nil {
		return fmt.Errorf("read directory %s: a Helm chart (Chart.yaml), whose templates are manifests only once rendered: check what it renders, helm template %s | pave check -f -", dir, dir)
	}
	return nil
}

// ReadFile reads a file named on pave's command line, and says which and why
// when it cannot: "read x.yaml: no such file or directory", where os says
// "open x.yaml: ..." or "read x.yaml: is a directory" by the call that failed.
func ReadFile(name string) ([]byte, error) {
	data, err := os.ReadFile(name)
	if err != nil {
		return nil, fmt.Errorf("read %s: %w", name, withoutPath(err))
	}
	return data, nil
}

// withoutPath is err without the operation and path os put in front of it,
// which the caller names itself.
func withoutPath(err error) error {
	if pe, ok := errors.AsType[*fs.PathError](err); ok {
		return pe.Err
	}
	return err
}

func isManifest(path string) bool {
	switch strings.ToLower(filepath.Ext(path)) {
	case ".yaml", ".yml", ".json":
		return true
	}
	return false
}
