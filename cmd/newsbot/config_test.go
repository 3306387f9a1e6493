package main

import (
	"testing"

	"github.com/newsbot/newsbot/retrieval"
	"github.com/newsbot/newsbot/retrieval/encoder"
)

func TestOfflineEmbedderChoice(t *testing.T) {
	for _, tc := range []struct {
		name string
		env  map[string]string
		want string
	}{
		{"no endpoint: the encoder", nil, encoder.ModelName},
		{"local: the encoder even with an endpoint", map[string]string{"OPENAI_API_KEY": "k", "NEWSBOT_EMBED_MODEL": "local"}, encoder.ModelName},
		{"offline: the encoder", map[string]string{"OPENAI_API_KEY": "k", "NEWSBOT_OFFLINE": "1"}, encoder.ModelName},
		{"local-hash: the lexical embedder", map[string]string{"NEWSBOT_EMBED_MODEL": "local-hash"}, retrieval.LocalEmbedder{}.Model()},
		{"local-hash offline", map[string]string{"NEWSBOT_EMBED_MODEL": "local-hash", "NEWSBOT_OFFLINE": "1"}, retrieval.LocalEmbedder{}.Model()},
		{"endpoint: the remote model", map[string]string{"OPENAI_API_KEY": "k", "OPENAI_BASE_URL": "http://127.0.0.1:1/v1"}, "openai:text-embedding-3-small"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			c, err := loadConfig(func(k string) string { return tc.env[k] })
			if err != nil {
				t.Fatal(err)
			}
			emb, err := c.embedder()
			if err != nil {
				t.Fatal(err)
			}
			if got := emb.Model(); got != tc.want {
				t.Errorf("model %q, want %q", got, tc.want)
			}
		})
	}
}

// TestSentenceEncoderChoice: the sentence encoder embeds sentences whatever
// embeds the chunks (it is local and free), the same instance when it also
// embeds the chunks; local-hash, the lexical baseline, has none.
func TestSentenceEncoderChoice(t *testing.T) {
	for _, tc := range []struct {
		name string
		env  map[string]string
		want string // "" for none
		same bool   // the chunk embedder itself
	}{
		{"offline: the encoder, shared", nil, encoder.ModelName, true},
		{"remote chunks: the encoder beside them", map[string]string{"OPENAI_API_KEY": "k", "OPENAI_BASE_URL": "http://127.0.0.1:1/v1"}, encoder.ModelName, false},
		{"local-hash: none", map[string]string{"NEWSBOT_EMBED_MODEL": "local-hash"}, "", false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			c, err := loadConfig(func(k string) string { return tc.env[k] })
			if err != nil {
				t.Fatal(err)
			}
			emb, err := c.embedder()
			if err != nil {
				t.Fatal(err)
			}
			sents, err := c.sentenceEncoder(emb)
			if err != nil {
				t.Fatal(err)
			}
			switch {
			case tc.want == "" && sents != nil:
				t.Errorf("sentence encoder %q, want none", sents.Model())
			case tc.want != "" && (sents == nil || sents.Model() != tc.want):
				t.Errorf("sentence encoder %v, want %q", sents, tc.want)
			case tc.want != "" && (sents == emb) != tc.same:
				t.Errorf("shares the chunk embedder: %v, want %v", sents == emb, tc.same)
			}
		})
	}
}
