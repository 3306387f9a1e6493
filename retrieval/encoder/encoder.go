// Package encoder is a pure-Go Universal Sentence Encoder Lite (Google,
// 2018): a SentencePiece tokenizer and a two-layer transformer that map a
// text to a 512-dimension unit vector whose cosine with another measures
// how close their meanings are. It needs no network and no model server;
// the weights (int8, 7 MB) are compiled in.
//
// The network: token embeddings (256) times 2 plus a sinusoidal timing
// signal; two pre-LayerNorm transformer layers with 4 attention heads, the
// first projecting its residual from 256 to 512 dimensions, each with a
// ReLU feed-forward of width 1,536; the mean of the token vectors; tanh of
// a 512x512 projection; L2 normalization. Texts are clipped to 128 tokens.
//
// The dense layers' matrix multiplies run on a register-blocked AVX2+FMA
// kernel in Go assembly on amd64 CPUs that have those instructions, and on
// gonum's pure-Go Sgemm elsewhere; there is no cgo.
package encoder

import (
	"context"
	"fmt"
	"runtime"
	"sync"
)

// ModelName names the encoder and its output in embedding caches.
const ModelName = "use-lite-int8-512"

// defaultBatchTokens is the default token budget of one forward pass: with
// 128-token chunks, 16 of them. The matrix kernel reads each weight block
// once per 128 rows (mcBlock), so larger batches would not multiply
// faster; they would cost more memory per worker.
const defaultBatchTokens = 2048

// minBatchTokens is the fewest tokens at which Embed cuts a batch short to
// share a call's texts among workers: two of the kernel's 128-row blocks
// (a batch under 128 tokens reads all the weights for fewer tokens).
const minBatchTokens = 2 * mcBlock

var loadDefault = sync.OnceValues(func() (*model, error) { return newModel(weightsFile) })

// Options configures an Encoder. The zero value is the default.
type Options struct {
	// Workers is how many batches are encoded at once (default
	// runtime.GOMAXPROCS).
	Workers int
	// BatchTokens is the most tokens in one forward pass (default 2048);
	// a text is never split across passes.
	BatchTokens int
}

// Encoder embeds texts with Universal Sentence Encoder Lite. It implements
// retrieval.Embedder and is safe for concurrent use.
type Encoder struct {
	m   *model
	opt Options
}

// New returns an Encoder over the compiled-in weights, which are decoded
// on the first call (about 30 MB of float32 matrices) and shared by every
// Encoder.
func New(opt Options) (*Encoder, error) {
	m, err := loadDefault()
	if err != nil {
		return nil, fmt.Errorf("encoder: %w", err)
	}
	return &Encoder{m: m, opt: opt}, nil
}

// Model implements retrieval.Embedder: ModelName.
func (e *Encoder) Model() string { return ModelName }

// BatchHint implements retrieval.BatchHinter: 64 texts, a few seconds of
// work for chunks of about 128 tokens on two cores (10–20 chunks a
// second), so that an index build shows progress and saves its cache that
// often; a batch this size still fills every worker.
func (e *Encoder) BatchHint() int { return 64 }

// Tokenizer returns the encoder's tokenizer.
func (e *Encoder) Tokenizer() *Tokenizer { return e.m.tok }

// Embed implements retrieval.Embedder: one unit vector of Dims float32 per
// text, in input order. Texts longer than MaxTokens tokens are read up to
// their 128th token; an empty text gets the vector of no tokens (the
// normalized tanh of the projection's bias). Texts are grouped into
// batches of at most Options.BatchTokens tokens, encoded by
// Options.Workers goroutines. It fails only when ctx is done, with
// ctx.Err(); a pass in progress stops at its next layer (a batch of 2,048
// tokens costs about 0.3 s of CPU for its two layers with the AVX2
// kernel, 1.3 s with gonum).
func (e *Encoder) Embed(ctx context.Context, texts []string) ([][]float32, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	seqs := make([][]int, len(texts))
	for i, t := range texts {
		ids := e.m.tok.Encode(t)
		if len(ids) > MaxTokens {
			ids = ids[:MaxTokens]
		}
		seqs[i] = ids
	}
	budget := e.opt.BatchTokens
	if budget <= 0 {
		budget = defaultBatchTokens
	}
	workers := e.opt.Workers
	if workers <= 0 {
		workers = runtime.GOMAXPROCS(0)
	}
	batches := cutBatches(seqs, budget, workers)
	out := make([][]float32, len(texts))
	workers = min(workers, len(batches))
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	jobs := make(chan batch)
	errs := make(chan error, workers)
	var wg sync.WaitGroup
	for w := 0; w < workers; w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for b := range jobs {
				vs, err := e.m.forward(seqs[b.lo:b.hi], ctx.Err)
				if err != nil {
					errs <- err
					cancel()
					return
				}
				copy(out[b.lo:b.hi], vs)
			}
		}()
	}
feed:
	for _, b := range batches {
		select {
		case jobs <- b:
		case <-ctx.Done():
			break feed
		}
	}
	close(jobs)
	wg.Wait()
	select {
	case err := <-errs:
		return nil, err
	default:
	}
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	return out, nil
}

// batch is the texts lo to hi-1 of an Embed call.
type batch struct{ lo, hi int }

// cutBatches groups consecutive token sequences into batches of at most
// budget tokens (a longer sequence is a batch alone). Batches are also
// cut at a quarter of each worker's share of the tokens, but not under
// minBatchTokens: a call with fewer tokens than workers × budget (an
// article, a page of chunks) still keeps every worker busy, and a worker
// that gets less of the CPU (other processes, longer texts) takes fewer
// batches instead of holding up the call.
func cutBatches(seqs [][]int, budget, workers int) []batch {
	total := 0
	for _, s := range seqs {
		total += len(s)
	}
	share := max(minBatchTokens, (total+4*workers-1)/(4*workers))
	var batches []batch
	lo, tokens := 0, 0
	for i, s := range seqs {
		if i > lo && (tokens+len(s) > budget || tokens >= share) {
			batches = append(batches, batch{lo, i})
			lo, tokens = i, 0
		}
		tokens += len(s)
	}
	if lo < len(seqs) {
		batches = append(batches, batch{lo, len(seqs)})
	}
	return batches
}
