package report

import (
	"bufio"
	"encoding/json"
	"io"
	"runtime"
	"sync"

	"github.com/pave-dev/pave/pkg/check"
)

// JSON writes the report as one JSON document: a summary, the objects in input
// order, and the input errors. Objects are encoded in parallel: on large inputs
// a sequential encoder was a tenth of `pave check`'s time with one core idle.
func JSON(w io.Writer, rep *check.Report) error {
	encoded := make([][]byte, len(rep.Objects))
	errs := make([]error, len(rep.Objects))
	workers := runtime.GOMAXPROCS(0)
	var wg sync.WaitGroup
	for k := range workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := k; i < len(rep.Objects); i += workers {
				encoded[i], errs[i] = marshalIndent(rep.Objects[i], "    ", "  ")
			}
		}()
	}
	wg.Wait()
	for _, err := range errs {
		if err != nil {
			return err
		}
	}
	summary, err := json.MarshalIndent(Summarize(rep), "  ", "  ")
	if err != nil {
		return err
	}
	messages := make([]string, 0, len(rep.Errors))
	for _, e := range rep.Errors {
		messages = append(messages, e.Error())
	}
	errorsJSON, err := json.MarshalIndent(messages, "  ", "  ")
	if err != nil {
		return err
	}

	bw := bufio.NewWriterSize(w, 1<<16)
	bw.WriteString("{\n  \"summary\": ")
	bw.Write(summary)
	bw.WriteString(",\n  \"objects\": [")
	for i, e := range encoded {
		if i > 0 {
			bw.WriteByte(',')
		}
		bw.WriteString("\n    ")
		bw.Write(e)
	}
	if len(encoded) > 0 {
		bw.WriteString("\n  ")
	}
	bw.WriteString("],\n  \"errors\": ")
	bw.Write(errorsJSON)
	bw.WriteString("\n}\n")
	return bw.Flush()
}
