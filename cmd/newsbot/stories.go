package main

import (
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"os"
	"text/tabwriter"

	"github.com/newsbot/newsbot/data"
	"github.com/newsbot/newsbot/retrieval"
)

// storyRow is one story as `stories` prints it.
type storyRow struct {
	Slug      string `json:"slug"`
	Title     string `json:"title"`
	Source    string `json:"source"`
	Published string `json:"published"`
	URL       string `json:"url"`
	Chunks    int    `json:"chunks"`
	Added     string `json:"added,omitempty"`
	Feed      string `json:"feed,omitempty"`
	// Default marks the embedded story, served while no story was added.
	Default bool `json:"default,omitempty"`
}

// runStories lists the stories of the data directory, newest first, or the
// embedded default story when none was added.
func runStories(ctx context.Context, e *env, args []string) error {
	fs := flag.NewFlagSet("stories", flag.ContinueOnError)
	sc, err := loadStoreConfig(e.getenv, fs)
	if err != nil {
		return err
	}
	asJSON := fs.Bool("json", false, "print a JSON array")
	pos, err := parseFlags(fs, args)
	if err != nil {
		return err
	}
	if len(pos) > 0 {
		return usageError{"usage: newsbot stories [--data DIR] [--json]"}
	}
	store, err := sc.store()
	if err != nil {
		return err
	}
	stories, bad, err := store.List()
	if err != nil {
		return err
	}
	for _, b := range bad {
		fmt.Fprintf(e.stderr, "newsbot: skipped %v\n", b)
	}
	rows := []storyRow{}
	for _, st := range stories {
		rows = append(rows, storyRow{Slug: st.Slug, Title: st.Title, Source: st.Source, Published: st.Published,
			URL: st.URL, Chunks: chunkCount(st.Path), Added: st.Added, Feed: st.Feed})
	}
	if len(stories) == 0 {
		if _, err := os.Stat(store.Dir); err != nil && sc.DataDir != "" {
			// A directory named on purpose that is not there is a typo,
			// as ask and serve say.
			return fmt.Errorf("corpus directory %s: %w", store.Dir, err)
		}
		docs, err := retrieval.LoadFS(data.Articles())
		if err != nil {
			return err
		}
		for _, d := range docs {
			rows = append(rows, storyRow{Slug: d.Slug, Title: d.Title, Source: d.Source, Published: d.Published, URL: d.URL,
				Chunks: len(retrieval.ChunkDocument(d, retrieval.ChunkOptions{})), Default: true})
		}
		fmt.Fprintf(e.stderr, "newsbot: no story in %s yet: the embedded default story is served\n", store.Dir)
	}
	if *asJSON {
		enc := json.NewEncoder(e.stdout)
		enc.SetIndent("", "  ")
		return enc.Encode(rows)
	}
	tw := tabwriter.NewWriter(e.stdout, 0, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "SLUG\tPUBLISHED\tSOURCE\tCHUNKS\tTITLE\tURL")
	for _, r := range rows {
		fmt.Fprintf(tw, "%s\t%s\t%s\t%d\t%s\t%s\n", r.Slug, dash(r.Published), dash(r.Source), r.Chunks, r.Title, dash(r.URL))
	}
	return tw.Flush()
}

func dash(s string) string {
	if s == "" {
		return "-"
	}
	return s
}
