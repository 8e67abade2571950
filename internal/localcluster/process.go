package localcluster

import (
	"fmt"
	"net"
	"os"
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
