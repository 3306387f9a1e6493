package main

import (
	"context"
	"errors"
)

// runHealthcheck probes a running bot. (Placeholder until the bot lands.)
func runHealthcheck(ctx context.Context, e *env, args []string) error {
	return errors.New("healthcheck: not available yet")
}
