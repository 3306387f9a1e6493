package main

import (
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"

	"github.com/newsbot/newsbot/ingest"
	"github.com/newsbot/newsbot/retrieval"
)

// storeConfig is what the story commands (add, remove, stories, follow)
// read: the engine's settings, of which they use the data directory and
// the ingestion settings.
type storeConfig struct{ config }

// loadStoreConfig reads the environment and registers --data on fs.
func loadStoreConfig(getenv func(string) string, fs *flag.FlagSet) (*storeConfig, error) {
	c, err := loadConfig(getenv)
	if err != nil {
		return nil, err
	}
	sc := &storeConfig{config: c}
	fs.Var(settingFlag{&sc.DataDir}, "data", "data `directory` where stories live (env NEWSBOT_DATA_DIR)")
	return sc, nil
}

// store opens the data directory as a story store.
func (sc *storeConfig) store() (*ingest.Store, error) {
	dir := sc.storiesDir()
	if dir == "" {
		return nil, usageError{"no data directory: pass --data DIR or set NEWSBOT_DATA_DIR (HOME is not set either)"}
	}
	if st, err := os.Stat(dir); err == nil && !st.IsDir() {
		return nil, fmt.Errorf("data directory %s: not a directory", dir)
	}
	return &ingest.Store{Dir: dir, Fetcher: &ingest.Fetcher{AllowPrivate: sc.AllowPrivate}, MaxStories: sc.MaxStories}, nil
}

// retiredTo reports on w each story NEWSBOT_MAX_STORIES removes.
func retiredTo(w io.Writer, max int) func(ingest.Story) {
	return func(s ingest.Story) {
		fmt.Fprintf(w, "newsbot: removed %s (%q) to keep NEWSBOT_MAX_STORIES=%d\n", s.Slug, s.Title, max)
	}
}

// chunkCount is how many chunks the index splits a story file into (the
// engine's default chunk options), or 0 when it cannot be read.
func chunkCount(path string) int {
	var docs []retrieval.Document
	var err error
	switch filepath.Ext(path) {
	case ".html", ".htm":
		var b []byte
		if b, err = os.ReadFile(path); err == nil {
			if b, err = ingest.HTMLStoryFile(b); err == nil {
				var d retrieval.Document
				d, err = retrieval.ParseDocument(filepath.Base(path)+".md", b)
				docs = append(docs, d)
			}
		}
	default:
		var b []byte
		if b, err = os.ReadFile(path); err == nil {
			var d retrieval.Document
			d, err = retrieval.ParseDocument(path, b)
			docs = append(docs, d)
		}
	}
	if err != nil || len(docs) == 0 {
		return 0
	}
	return len(retrieval.ChunkDocument(docs[0], retrieval.ChunkOptions{}))
}
