package localcluster

import (
	"errors"
	"fmt"
	"net"
	"os"
	"path/filepath"
	"strconv"
	"strings"
)

// FreePorts returns n distinct TCP ports on loopback that nothing listens
// on. Each is held until all are picked: ports picked one after another may
// be the same, as the kernel hands a port closed a moment ago out again
// before the process it was picked for has bound it.
func FreePorts(n int) []int {
	out := make([]int, n)
	for i := range out {
		l, err := net.Listen("tcp", "127.0.0.1:0")
		if err != nil {
			panic(err)
		}
		defer l.Close()
		out[i] = l.Addr().(*net.TCPAddr).Port
	}
	return out
}

// Memory reads the server's resident and peak resident memory in MiB.
func (w *Webhook) Memory() (rss, peak float64) {
	data, _ := os.ReadFile(fmt.Sprintf("/proc/%d/status", w.Pid()))
	for _, line := range strings.Split(string(data), "\n") {
		f := strings.Fields(line)
		if len(f) < 2 {
			continue
		}
		kb, _ := strconv.ParseFloat(f[1], 64)
		switch f[0] {
		case "VmRSS:":
			rss = kb / 1024
		case "VmHWM:":
			peak = kb / 1024
		}
	}
	return rss, peak
}

// APIServerPid is the process ID of the kube-apiserver this process
// started (envtest keeps it to itself): a benchmark reads its CPU time.
func APIServerPid() (int, error) {
	entries, err := os.ReadDir("/proc")
	if err != nil {
		return 0, err
	}
	for _, e := range entries {
		pid, err := strconv.Atoi(e.Name())
		if err != nil {
			continue
		}
		exe, err := os.Readlink(fmt.Sprintf("/proc/%d/exe", pid))
		if err != nil || filepath.Base(exe) != "kube-apiserver" {
			continue
		}
		if parent(pid) == os.Getpid() {
			return pid, nil
		}
	}
	return 0, errors.New("no kube-apiserver started by this process")
}

// parent is pid's parent process ID (0 if unreadable), the 4th field of
// /proc/<pid>/stat.
func parent(pid int) int {
	data, err := os.ReadFile(fmt.Sprintf("/proc/%d/stat", pid))
	if err != nil {
		return 0
	}
	fields := StatFields(string(data))
	if len(fields) < 2 {
		return 0
	}
	ppid, _ := strconv.Atoi(fields[1])
	return ppid
}

// StatFields are the fields of a /proc/<pid>/stat line from the 3rd on. The
// 2nd, the command, is in parentheses and may hold spaces and parentheses
// itself: the fields are counted from its end.
func StatFields(line string) []string {
	return strings.Fields(line[strings.LastIndexByte(line, ')')+1:])
}
