package main

import (
	"context"
	"log/slog"
	"os"
	"path/filepath"
	"sync/atomic"
	"testing"
	"time"
)

func TestStoryFile(t *testing.T) {
	t.Parallel()
	for name, want := range map[string]bool{
		"talks.md":               true,
		"dir/Story.HTML":         true,
		"notes.txt":              true,
		"page.htm":               true,
		".talks.md.tmp-123":      false,
		".hidden.md":             false,
		"talks.md~":              false,
		"feeds.json":             false,
		"embeddings.cache":       false,
		"story.md.tmp":           false,
		"image.png":              false,
		"~lock.talks.md":         false,
		"no-extension-at-all":    false,
		"archive/older-story.md": true,
	} {
		if got := storyFile(name); got != want {
			t.Errorf("storyFile(%q) = %v, want %v", name, got, want)
		}
	}
}

// TestWatchCorpusReloadsOncePerBurst writes a story the way an atomic add
// does (a hidden temporary file renamed into place) plus a second file in
// the same burst, and expects one reload; a change to a file that is not a
// story triggers none.
func TestWatchCorpusReloadsOncePerBurst(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	var reloads atomic.Int32
	if err := watchCorpus(ctx, dir, slog.New(slog.DiscardHandler), func(context.Context) { reloads.Add(1) }); err != nil {
		t.Fatal(err)
	}

	// Not a story: no reload.
	if err := os.WriteFile(filepath.Join(dir, "feeds.json"), []byte("{}"), 0o644); err != nil {
		t.Fatal(err)
	}
	time.Sleep(3 * watchDebounce)
	if n := reloads.Load(); n != 0 {
		t.Fatalf("%d reloads after a non-story file changed, want 0", n)
	}

	tmp := filepath.Join(dir, ".new-story.md.tmp")
	if err := os.WriteFile(tmp, []byte("---\ntitle: New\n---\nA new story.\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.Rename(tmp, filepath.Join(dir, "new-story.md")); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, "other.txt"), []byte("Another story.\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	deadline := time.Now().Add(5 * time.Second)
	for reloads.Load() == 0 && time.Now().Before(deadline) {
		time.Sleep(20 * time.Millisecond)
	}
	time.Sleep(3 * watchDebounce) // a second reload for the same burst would land by now
	if n := reloads.Load(); n != 1 {
		t.Fatalf("%d reloads for one burst of changes, want 1", n)
	}

	if err := os.Remove(filepath.Join(dir, "other.txt")); err != nil {
		t.Fatal(err)
	}
	deadline = time.Now().Add(5 * time.Second)
	for reloads.Load() < 2 && time.Now().Before(deadline) {
		time.Sleep(20 * time.Millisecond)
	}
	if n := reloads.Load(); n != 2 {
		t.Fatalf("%d reloads after a story was removed, want 2", n)
	}
}

func TestWatchCorpusMissingDirectoryIsAnError(t *testing.T) {
	t.Parallel()
	err := watchCorpus(context.Background(), filepath.Join(t.TempDir(), "missing"), slog.New(slog.DiscardHandler), func(context.Context) {})
	if err == nil {
		t.Fatal("watching a missing directory succeeded")
	}
}
