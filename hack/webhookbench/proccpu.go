package main

import (
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"time"

	"github.com/pave-dev/pave/internal/localcluster"
)

// processName names a process that takes part in a create by its comm
// (which the kernel cuts to 15 characters): the control plane's, pave's
// and the no-op server's, this program's child of its own comm.
func processName(comm string) (string, bool) {
	switch comm {
	case "etcd", "kube-apiserver":
		return comm, true
	case "kube-controller":
		return "kube-controller-manager", true
	case "pave-admission":
		return "pave admission", true
	case "pave-webhook":
		return "pave controller", true
	case "webhookbench":
		return "no-op server", true
	}
	return "", false
}

// processesCPU is the CPU time so far of this program (the load generator)
// and of each of its children that takes part in a create (counted), by
// name. Read before and after a window, it says which process a create in
// one namespace costs more than in another, which the API server's profile
// alone cannot.
func processesCPU() map[string]time.Duration {
	out := map[string]time.Duration{}
	self := os.Getpid()
	dirs, _ := filepath.Glob("/proc/[0-9]*")
	for _, d := range dirs {
		stat, err := os.ReadFile(d + "/stat")
		if err != nil {
			continue // ended since the glob
		}
		name, ok := counted(string(stat), self)
		if !ok {
			continue
		}
		if cpu, err := statCPU(string(stat)); err == nil {
			out[name] += cpu
		}
	}
	return out
}

// counted names the process of a /proc/<pid>/stat line if processesCPU
// counts it: process self, as the load generator, or a child of self that
// processName knows. Only children: the machine is shared, and another
// run's processes have the same names.
func counted(line string, self int) (string, bool) {
	pid, _, _ := strings.Cut(line, " ")
	open, shut := strings.IndexByte(line, '('), strings.LastIndexByte(line, ')')
	fields := localcluster.StatFields(line) // from the 3rd: state, ppid
	switch {
	case open < 0 || shut < open || len(fields) < 2:
		return "", false
	case pid == strconv.Itoa(self):
		return "load generator", true
	case fields[1] != strconv.Itoa(self):
		return "", false
	}
	return processName(line[open+1 : shut])
}
