package retrieval

import "context"

// Embedder turns texts into vectors.
//
// Implementations return exactly one vector per input, in input order, each
// L2-normalized, all of the same length. Model identifies the model and its
// dimensions; it is part of the embedding cache key, so two embedders that
// produce different vectors must return different names.
type Embedder interface {
	Embed(ctx context.Context, texts []string) ([][]float32, error)
	Model() string
}
