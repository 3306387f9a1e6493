package answer

import (
	"context"
	"errors"
	"net"
	"net/http"

	"github.com/newsbot/newsbot/internal/openaiclient"
)

// Metrics receives the engine's counts of what went wrong with the chat
// model and of what the claim check removed. The bot registers an
// implementation backed by Prometheus counters; nil counts nothing.
// Implementations must be safe for concurrent use.
type Metrics interface {
	// ModelError counts a model call that gave no usable reply, by kind
	// (ModelErrorKind): newsbot_model_errors_total{kind}.
	ModelError(kind string)
	// Fallback counts an answer made extractively because the model
	// failed: newsbot_model_fallbacks_total.
	Fallback()
	// ClaimsDropped counts the sentences and citations the claim check
	// removed from model replies, by reason ("uncited", "unsupported",
	// "link", "repeated", "cut"): newsbot_claims_dropped_total{reason}.
	ClaimsDropped(reason string, n int)
}

// The kinds of model errors ModelErrorKind returns.
const (
	ModelErrEmpty         = "empty"          // nothing left after removing reasoning blocks
	ModelErrDown          = "down"           // connection refused, DNS, reset
	ModelErrTimeout       = "timeout"        // a deadline passed
	ModelErrServer        = "server"         // 5xx after the retries
	ModelErrRateLimit     = "rate_limit"     // 429 after the retries
	ModelErrRequest       = "request"        // another 4xx: wrong model name, bad key
	ModelErrCutOff        = "cut_off"        // the stream broke off
	ModelErrLength        = "length"         // stopped at the token limit
	ModelErrContentFilter = "content_filter" // stopped by a content filter
	ModelErrOther         = "other"
)

// ModelErrorKind classifies an error of a ChatModel for metrics and for
// deciding whether to fall back.
func ModelErrorKind(err error) string {
	var oe *openaiclient.Error
	var ne net.Error
	switch {
	case errors.Is(err, ErrEmptyReply):
		return ModelErrEmpty
	case errors.Is(err, ErrLengthLimit):
		return ModelErrLength
	case errors.Is(err, ErrContentFilter):
		return ModelErrContentFilter
	case errors.Is(err, context.DeadlineExceeded), errors.As(err, &ne) && ne.Timeout():
		return ModelErrTimeout
	case errors.As(err, &oe) && oe.StatusCode == http.StatusTooManyRequests:
		return ModelErrRateLimit
	case errors.As(err, &oe) && oe.StatusCode >= 500:
		return ModelErrServer
	case errors.As(err, &oe) && oe.StatusCode >= 400:
		return ModelErrRequest
	case errors.Is(err, ErrCutOff):
		return ModelErrCutOff
	case errors.As(err, &ne), errors.As(err, new(*net.OpError)):
		return ModelErrDown
	case errors.As(err, &oe) && oe.StatusCode == 0 && oe.Err != nil:
		return ModelErrDown
	}
	return ModelErrOther
}

// noMetrics counts nothing.
type noMetrics struct{}

func (noMetrics) ModelError(string)         {}
func (noMetrics) Fallback()                 {}
func (noMetrics) ClaimsDropped(string, int) {}
