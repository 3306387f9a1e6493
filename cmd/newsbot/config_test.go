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
