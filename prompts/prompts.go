// Package prompts holds the templates of the messages sent to chat models
// and the code that fills them and reads citation markers back from the
// model's reply. The templates are embedded; a directory can override them.
package prompts

import (
	"bytes"
	"embed"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"text/template"
)

//go:embed templates/*.tmpl
var embedded embed.FS

// Template file names. An override directory may hold either or both.
const (
	SystemFile = "system.tmpl"
	UserFile   = "user.tmpl"
)

// Snippet is one numbered piece of an article shown to the model.
type Snippet struct {
	N     int
	Title string
	Text  string
}

// Turn is an earlier question and answer of the conversation.
type Turn struct {
	Question string
	Answer   string
}

// Data fills the user template.
type Data struct {
	Question string
	Snippets []Snippet
	History  []Turn
	// OtherLanguage is set when the question is not in English: the model
	// is told to answer in the question's language, quotes verbatim.
	OtherLanguage bool
	// Language names the question's language ("French") when it is known
	// for sure; may be empty even when OtherLanguage is set.
	Language string
}

// Set is a pair of parsed templates.
type Set struct {
	system *template.Template
	user   *template.Template
}

// Load parses the embedded templates, replaced by the files of dir that
// exist when dir is not empty. A template that does not parse is an error
// naming the file.
func Load(dir string) (*Set, error) {
	var s Set
	for _, f := range []struct {
		name string
		dst  **template.Template
	}{{SystemFile, &s.system}, {UserFile, &s.user}} {
		src, from, err := read(dir, f.name)
		if err != nil {
			return nil, err
		}
		t, err := template.New(f.name).Option("missingkey=error").Parse(string(src))
		if err != nil {
			return nil, fmt.Errorf("prompt template %s: %w", from, err)
		}
		*f.dst = t
	}
	return &s, nil
}

func read(dir, name string) ([]byte, string, error) {
	if dir != "" {
		p := filepath.Join(dir, name)
		b, err := os.ReadFile(p)
		if err == nil {
			return b, p, nil
		}
		if !errors.Is(err, fs.ErrNotExist) {
			return nil, p, fmt.Errorf("prompt template %s: %w", p, err)
		}
	}
	b, err := embedded.ReadFile("templates/" + name)
	return b, "embedded " + name, err
}

// System renders the system prompt.
func (s *Set) System() (string, error) {
	var b bytes.Buffer
	if err := s.system.Execute(&b, nil); err != nil {
		return "", fmt.Errorf("system prompt: %w", err)
	}
	return b.String(), nil
}

// User renders the user message for d.
func (s *Set) User(d Data) (string, error) {
	var b bytes.Buffer
	if err := s.user.Execute(&b, d); err != nil {
		return "", fmt.Errorf("user prompt: %w", err)
	}
	return b.String(), nil
}
