// Package data holds the default corpus, embedded in the binary so that
// newsbot answers questions on a fresh machine with nothing else installed.
package data

import (
	"embed"
	"io/fs"
)

//go:embed articles
var articles embed.FS

// Articles returns the embedded default corpus: one Markdown file per article,
// each with optional YAML front matter, at the root of the returned FS.
func Articles() fs.FS {
	sub, err := fs.Sub(articles, "articles")
	if err != nil {
		// fs.Sub only fails on an invalid path, which "articles" is not.
		panic(err)
	}
	return sub
}
