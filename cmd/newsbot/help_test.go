package main

import (
	"runtime"
	"strings"
	"testing"
)

func TestEverySubcommandPrintsItsUsageOnHelpAndExits0(t *testing.T) {
	t.Parallel()
	for _, sub := range []string{"ask", "index", "eval", "serve", "healthcheck"} {
		for _, args := range [][]string{{sub, "--help"}, {sub, "-h"}, {"help", sub}} {
			out, stderr, err := runCLI(t, nil, "", args...)
			if err != nil || exitCode(err, nil) != 0 {
				t.Errorf("%v: %v (stderr %q), want exit 0", args, err, stderr)
				continue
			}
			if !strings.HasPrefix(out, "Usage: newsbot "+sub) || !strings.Contains(out, "Flags:") {
				t.Errorf("%v printed %q, want its usage and flags", args, out)
			}
		}
	}
	// The engine's shared flags are listed with the variable they override.
	out, _, _ := runCLI(t, nil, "", "ask", "--help")
	for _, want := range []string{"-data", "NEWSBOT_DATA_DIR", "-offline", "-json"} {
		if !strings.Contains(out, want) {
			t.Errorf("ask --help does not mention %s:\n%s", want, out)
		}
	}
	for _, args := range [][]string{{"help"}, {"--help"}, {"-h"}} {
		if out, _, err := runCLI(t, nil, "", args...); err != nil || !strings.Contains(out, "newsbot ask") {
			t.Errorf("%v: %v, %q", args, err, out)
		}
	}
}

func TestVersionPrintsTheBuild(t *testing.T) {
	t.Parallel()
	for _, arg := range []string{"--version", "version", "-version"} {
		out, _, err := runCLI(t, nil, "", arg)
		if err != nil || !strings.HasPrefix(out, "newsbot ") || !strings.Contains(out, runtime.Version()) {
			t.Errorf("%s: %q, %v; want the module and Go versions", arg, out, err)
		}
	}
}
