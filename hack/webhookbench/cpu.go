package main

import (
	"fmt"
	"os"
	"strconv"
	"time"

	"github.com/pave-dev/pave/internal/localcluster"
)

// clockTick is Linux's USER_HZ, the unit of /proc/<pid>/stat's CPU times:
// 100 on every architecture Go supports.
const clockTick = 10 * time.Millisecond

// processCPU is the CPU time (user and system) process pid has used so far,
// 0 for "self". Read before and after an arm, it tells the server's work per
// request from the load generator's on the same cores.
func processCPU(pid int) (time.Duration, error) {
	name := "self"
	if pid != 0 {
		name = strconv.Itoa(pid)
	}
	data, err := os.ReadFile("/proc/" + name + "/stat")
	if err != nil {
		return 0, err
	}
	cpu, err := statCPU(string(data))
	if err != nil {
		return 0, fmt.Errorf("/proc/%s/stat: %w", name, err)
	}
	return cpu, nil
}

// statCPU reads utime and stime, the 14th and 15th fields of a
// /proc/<pid>/stat line.
func statCPU(line string) (time.Duration, error) {
	fields := localcluster.StatFields(line) // from the 3rd
	if len(fields) < 13 {
		return 0, fmt.Errorf("%d fields", len(fields)+2)
	}
	var ticks int64
	for _, f := range fields[11:13] {
		n, err := strconv.ParseInt(f, 10, 64)
		if err != nil {
			return 0, err
		}
		ticks += n
	}
	return time.Duration(ticks) * clockTick, nil
}
