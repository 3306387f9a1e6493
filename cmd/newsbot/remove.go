package main

import (
	"context"
	"errors"
	"flag"
	"fmt"

	"github.com/newsbot/newsbot/ingest"
)

// runRemove deletes one story by slug.
func runRemove(ctx context.Context, e *env, args []string) error {
	fs := flag.NewFlagSet("remove", flag.ContinueOnError)
	sc, err := loadStoreConfig(e.getenv, fs)
	if err != nil {
		return err
	}
	pos, err := parseFlags(fs, args)
	if err != nil {
		return err
	}
	if len(pos) != 1 {
		return usageError{"usage: newsbot remove [--data DIR] SLUG"}
	}
	store, err := sc.store()
	if err != nil {
		return err
	}
	st, err := store.Remove(pos[0])
	if errors.Is(err, ingest.ErrNotFound) {
		return fmt.Errorf("no story %q in %s (newsbot stories lists them)", pos[0], store.Dir)
	}
	if err != nil {
		return err
	}
	fmt.Fprintf(e.stdout, "removed %s: %q\n", st.Slug, st.Title)
	return nil
}
