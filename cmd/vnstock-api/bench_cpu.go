package main

import (
	"bytes"
	"fmt"
	"strconv"
	"syscall"
	"time"
)

// userHZ is the unit of the CPU times in /proc/PID/stat: 100 on every
// Linux architecture Go supports (the kernel's USER_HZ, fixed in its ABI).
const userHZ = 100

// cpuSample is the CPU time the server and the load tool had used at one
// instant; a field is zero where it could not be read.
type cpuSample struct {
	server, self time.Duration
}

// sampleCPU reads the server's CPU time (when pid > 0) and the load tool's.
func sampleCPU(pid int) (cpuSample, error) {
	var s cpuSample
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err == nil {
		s.self = time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
	}
	if pid <= 0 {
		return s, nil
	}
	b, err := readProc(pid, "stat")
	if err != nil {
		return s, err
	}
	s.server, err = parseStatCPU(b)
	return s, err
}

// parseStatCPU returns utime+stime from a /proc/PID/stat line. The command
// name (field 2) is in parentheses and may hold spaces or parentheses, so
// the fields are counted from the last ')'.
func parseStatCPU(stat []byte) (time.Duration, error) {
	i := bytes.LastIndexByte(stat, ')')
	if i < 0 {
		return 0, fmt.Errorf("proc stat: no command name")
	}
	f := bytes.Fields(stat[i+1:])
	// f[0] is field 3 (state): utime and stime are fields 14 and 15.
	if len(f) < 13 {
		return 0, fmt.Errorf("proc stat: %d fields after the command name, want at least 13", len(f))
	}
	var ticks int64
	for _, v := range f[11:13] {
		n, err := strconv.ParseInt(string(v), 10, 64)
		if err != nil || n < 0 || n > 1<<36 { // 21 years of CPU: no real count, and no overflow below
			return 0, fmt.Errorf("proc stat: bad CPU time %q", v)
		}
		ticks += n
	}
	return time.Duration(ticks) * time.Second / userHZ, nil
}

// cpuUse is the CPU the server and the load tool used over a window, in
// cores (CPU seconds per second).
type cpuUse struct {
	server, self float64
}

func cpuBetween(a, b cpuSample, window time.Duration) cpuUse {
	if window <= 0 {
		return cpuUse{}
	}
	w := window.Seconds()
	return cpuUse{server: (b.server - a.server).Seconds() / w, self: (b.self - a.self).Seconds() / w}
}
