package main

import (
	"fmt"
	"log/slog"
	"os"
	"path/filepath"
	"runtime"
	"sync"

	"github.com/newsbot/newsbot/data"
	"github.com/newsbot/newsbot/ingest"
	"github.com/newsbot/newsbot/retrieval"
)

// userDataDir is where added stories live when neither --data nor
// NEWSBOT_DATA_DIR says otherwise: $XDG_DATA_HOME/newsbot, else
// ~/.local/share/newsbot (Linux and other Unixes), ~/Library/Application
// Support/newsbot (macOS), %LOCALAPPDATA%\newsbot (Windows). It reads the
// environment through getenv, so tests that give no HOME get "" (no user
// data directory: the embedded story).
func userDataDir(getenv func(string) string) string {
	if runtime.GOOS == "windows" {
		if d := getenv("LOCALAPPDATA"); d != "" {
			return filepath.Join(d, "newsbot")
		}
		return ""
	}
	if d := getenv("XDG_DATA_HOME"); d != "" && filepath.IsAbs(d) {
		return filepath.Join(d, "newsbot")
	}
	home := getenv("HOME")
	if home == "" {
		return ""
	}
	if runtime.GOOS == "darwin" {
		return filepath.Join(home, "Library", "Application Support", "newsbot")
	}
	return filepath.Join(home, ".local", "share", "newsbot")
}

// storiesDir is the data directory: where stories are added and read.
func (c config) storiesDir() string {
	if c.DataDir != "" {
		return c.DataDir
	}
	return c.UserDataDir
}

// corpusLoader reads the corpus for the engine: the data directory once it
// holds a story, else the embedded default story.
//
// A file that cannot be read as an article (binary, broken front matter)
// is skipped with a warning naming it and counted (Skipped), unless Strict.
// On a reload, a file that fails for the first time fails the reload, so
// the admin who ran /reload hears which file and why and the old index
// keeps serving; files skipped before are skipped again.
type corpusLoader struct {
	dir      string // "" : the embedded story only
	explicit bool   // dir was named by --data or NEWSBOT_DATA_DIR
	strict   bool
	logger   *slog.Logger

	mu      sync.Mutex
	loads   int
	known   map[string]bool // files skipped so far
	skipped int             // files skipped by the last load
}

func newCorpusLoader(c config, logger *slog.Logger) *corpusLoader {
	return &corpusLoader{dir: c.storiesDir(), explicit: c.DataDir != "", strict: c.Strict, logger: logger, known: map[string]bool{}}
}

// Skipped is the number of files the last load skipped
// (newsbot_corpus_files_skipped).
func (l *corpusLoader) Skipped() int {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.skipped
}

// Load reads the corpus.
func (l *corpusLoader) Load() ([]retrieval.Document, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	first := l.loads == 0
	l.loads++
	if l.dir == "" {
		l.skipped = 0
		return retrieval.LoadFS(data.Articles())
	}
	has, err := ingest.HasStories(l.dir)
	if err != nil {
		return nil, fmt.Errorf("corpus directory %s: %w", l.dir, err)
	}
	if !has {
		if _, err := os.Stat(l.dir); err != nil && l.explicit {
			// A directory named on purpose that is not there is a typo.
			return nil, fmt.Errorf("corpus directory %s: %w", l.dir, err)
		}
		// No story added yet: the embedded default story is the corpus.
		l.skipped = 0
		return retrieval.LoadFS(data.Articles())
	}
	skipped := 0
	opt := retrieval.LoadOptions{Convert: htmlConverters}
	if !l.strict {
		opt.Skip = func(fe *retrieval.FileError) bool {
			if !first && !l.known[fe.Path] {
				return false
			}
			l.known[fe.Path] = true
			skipped++
			l.logger.Warn("corpus file skipped: it cannot be read as an article", "file", fe.Path, "err", fe.Err.Error())
			return true
		}
	}
	docs, err := retrieval.LoadDirWith(l.dir, opt)
	if err != nil {
		return nil, err
	}
	l.skipped = skipped
	return docs, nil
}

// htmlConverters read saved pages in the data directory through the
// extractor, as if they had been added by file.
var htmlConverters = map[string]func(string, []byte) ([]byte, error){
	".html": htmlToStory,
	".htm":  htmlToStory,
}

func htmlToStory(name string, b []byte) ([]byte, error) {
	return ingest.HTMLStoryFile(b)
}
