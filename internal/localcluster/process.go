package localcluster

import (
	"fmt"
	"net"
	"os"
	"strconv"
	"strings"
)

// FreePort returns a TCP port on loopback that nothing listens on.
func FreePort() int {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		panic(err)
	}
	defer l.Close()
	return l.Addr().(*net.TCPAddr).Port
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
