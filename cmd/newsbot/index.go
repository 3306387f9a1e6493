package main

import (
	"context"
	"flag"
	"fmt"
	"time"

	"github.com/schollz/progressbar/v3"
	"golang.org/x/term"
)

func runIndex(ctx context.Context, e *env, args []string) error {
	cfg, err := loadConfig(e.getenv)
	if err != nil {
		return err
	}
	fs := flag.NewFlagSet("index", flag.ContinueOnError)
	commonFlags(fs, &cfg)
	pos, err := parseFlags(fs, args)
	if err != nil {
		return err
	}
	if len(pos) > 0 {
		return usageError{"index takes no arguments"}
	}
	var progress func(done, total int)
	if isTerminal(e.stderr) {
		var bar *progressbar.ProgressBar
		progress = func(done, total int) {
			if bar == nil {
				bar = progressbar.NewOptions(total, progressbar.OptionSetWriter(e.stderr),
					progressbar.OptionSetDescription("embedding chunks"), progressbar.OptionShowCount(),
					progressbar.OptionClearOnFinish())
			}
			bar.Set(done)
		}
	}
	start := time.Now()
	_, st, err := newEngine(ctx, cfg, cliLogger(e.stderr), progress)
	if err != nil {
		return err
	}
	fmt.Fprintf(e.stdout, "indexed %d documents, %d chunks: %d embedded now, %d reused from cache, in %.2fs\n",
		st.Documents, st.Chunks, st.Embedded, st.Reused, time.Since(start).Seconds())
	return nil
}

// isTerminal reports whether w is a terminal (for progress bars and log
// format).
func isTerminal(w any) bool {
	f, ok := w.(interface{ Fd() uintptr })
	return ok && term.IsTerminal(int(f.Fd()))
}
