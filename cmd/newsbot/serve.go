package main

import (
	"context"
	"errors"
)

// runServe runs the Discord bot. (Placeholder until the bot lands.)
func runServe(ctx context.Context, e *env, args []string) error {
	return errors.New("serve: not available yet")
}
