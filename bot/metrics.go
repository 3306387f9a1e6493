package bot

import (
	"context"
	"errors"
	"strings"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"
)

// Question sources, the "source" label of the question metrics.
const (
	sourceSlash   = "slash"   // /ask
	sourceMention = "mention" // a message mentioning the bot in a server
	sourceDM      = "dm"      // a direct message
)

// Question outcomes, the "outcome" label of newsbot_questions_total.
const (
	outcomeAnswered   = "answered"    // an answer with citations
	outcomeRefused    = "refused"     // the engine declined: the articles do not answer it
	outcomeSmallTalk  = "small_talk"  // a greeting or thanks, answered with a friendly word
	outcomeModelError = "model_error" // the model endpoint failed; the user got an apology
	outcomeRejected   = "rejected"    // empty or too long
	outcomeCooldown   = "cooldown"    // the user asked again too soon
	outcomeBusy       = "busy"        // the queue was full
	outcomeShutdown   = "shutdown"    // asked while the bot was stopping
	outcomeFailed     = "failed"      // the reply could not be delivered to Discord
	outcomeExpired    = "expired"     // an /ask waited in the queue until its interaction was about to expire
)

// metrics are the bot's Prometheus metrics, in a registry of their own so
// that several bots (tests) can run in one process.
type metrics struct {
	reg *prometheus.Registry

	questions      *prometheus.CounterVec
	answerSeconds  *prometheus.HistogramVec
	ackSeconds     prometheus.Histogram
	modelErrors    *prometheus.CounterVec
	fallbacks      *prometheus.CounterVec
	tokenExpired   *prometheus.CounterVec
	adminRefusals  *prometheus.CounterVec
	tokens         *prometheus.CounterVec
	reloads        *prometheus.CounterVec
	gatewayUp      prometheus.Gauge
	gatewayResets  *prometheus.CounterVec
	editsDropped   prometheus.Counter
	restErrors     *prometheus.CounterVec
	questionsQueue prometheus.GaugeFunc
}

func newMetrics(chunks func() float64, queued func() float64) *metrics {
	m := &metrics{reg: prometheus.NewRegistry()}
	m.questions = prometheus.NewCounterVec(prometheus.CounterOpts{
		Name: "newsbot_questions_total",
		Help: "Questions received, by source (slash, mention, dm) and outcome.",
	}, []string{"source", "outcome"})
	m.answerSeconds = prometheus.NewHistogramVec(prometheus.HistogramOpts{
		Name:    "newsbot_answer_seconds",
		Help:    "Time from receiving a question to delivering its final answer, by source.",
		Buckets: []float64{0.1, 0.25, 0.5, 1, 2, 4, 8, 15, 30, 60, 120},
	}, []string{"source"})
	m.ackSeconds = prometheus.NewHistogram(prometheus.HistogramOpts{
		Name:    "newsbot_ack_seconds",
		Help:    "Time from receiving an interaction to Discord accepting its acknowledgement (Discord allows 3 s).",
		Buckets: []float64{0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2, 3, 5},
	})
	m.modelErrors = prometheus.NewCounterVec(prometheus.CounterOpts{
		Name: "newsbot_model_errors_total",
		Help: "Questions whose chat model failed after its retries, by kind (down, timeout, empty, ...), whether the user got a fallback answer or an apology.",
	}, []string{"kind"})
	m.fallbacks = prometheus.NewCounterVec(prometheus.CounterOpts{
		Name: "newsbot_model_fallbacks_total",
		Help: "Questions answered without the chat model after it failed (extractive, with a note), by the kind of failure.",
	}, []string{"kind"})
	m.adminRefusals = prometheus.NewCounterVec(prometheus.CounterOpts{
		Name: "newsbot_admin_refusals_total",
		Help: "Admin commands refused to members who are not admins, by command.",
	}, []string{"command"})
	m.tokenExpired = prometheus.NewCounterVec(prometheus.CounterOpts{
		Name: "newsbot_interaction_token_expired_total",
		Help: "Slash-command questions that outlived their interaction token, by stage (queue: dropped before any model call; reply: the answer was posted in the channel instead).",
	}, []string{"stage"})
	m.tokens = prometheus.NewCounterVec(prometheus.CounterOpts{
		Name: "newsbot_tokens_total",
		Help: "Model tokens used, by kind (prompt, completion).",
	}, []string{"kind"})
	m.reloads = prometheus.NewCounterVec(prometheus.CounterOpts{
		Name: "newsbot_reloads_total",
		Help: "Corpus reloads, by outcome (ok, error, busy).",
	}, []string{"outcome"})
	m.gatewayUp = prometheus.NewGauge(prometheus.GaugeOpts{
		Name: "newsbot_gateway_connected",
		Help: "1 while the Discord gateway session is ready, 0 otherwise.",
	})
	m.gatewayResets = prometheus.NewCounterVec(prometheus.CounterOpts{
		Name: "newsbot_gateway_reconnects_total",
		Help: "Gateway reconnections, by kind (resume: same session; rebuild: new session after a stall).",
	}, []string{"kind"})
	m.editsDropped = prometheus.NewCounter(prometheus.CounterOpts{
		Name: "newsbot_stream_edits_skipped_total",
		Help: "Intermediate streaming edits skipped because a newer one superseded them.",
	})
	m.restErrors = prometheus.NewCounterVec(prometheus.CounterOpts{
		Name: "newsbot_discord_rest_errors_total",
		Help: "Discord REST calls that failed after retries, by operation.",
	}, []string{"op"})
	m.questionsQueue = prometheus.NewGaugeFunc(prometheus.GaugeOpts{
		Name: "newsbot_questions_queued",
		Help: "Questions waiting for a free answering slot.",
	}, queued)
	index := prometheus.NewGaugeFunc(prometheus.GaugeOpts{
		Name: "newsbot_index_chunks",
		Help: "Chunks in the loaded index.",
	}, chunks)
	m.reg.MustRegister(m.questions, m.answerSeconds, m.ackSeconds, m.modelErrors, m.fallbacks, m.tokenExpired, m.adminRefusals, m.tokens,
		m.reloads, m.gatewayUp, m.gatewayResets, m.editsDropped, m.restErrors, m.questionsQueue, index,
		collectors.NewGoCollector(), collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}))
	return m
}

// modelErrorKinder is what the bot needs of an engine error to label it: the
// engine's model errors implement it ("down", "timeout", "empty",
// "http_5xx", ...). Other errors are labelled by modelErrorKind's guesses.
type modelErrorKinder interface {
	ModelErrorKind() string
}

// modelErrorKind returns the "kind" label of a model error: the error's own
// kind when it has one (made safe as a label), "timeout" for a deadline,
// "error" otherwise.
func modelErrorKind(err error) string {
	var k modelErrorKinder
	if errors.As(err, &k) {
		return labelValue(k.ModelErrorKind())
	}
	if errors.Is(err, context.DeadlineExceeded) {
		return "timeout"
	}
	return "error"
}

// labelValue keeps a label from the engine short and tame: lower-case
// letters, digits and '_' , at most 32 of them; "other" if that leaves
// nothing.
func labelValue(s string) string {
	var sb strings.Builder
	for _, r := range strings.ToLower(s) {
		if sb.Len() >= 32 {
			break
		}
		switch {
		case 'a' <= r && r <= 'z', '0' <= r && r <= '9', r == '_':
			sb.WriteRune(r)
		case r == '-' || r == ' ':
			sb.WriteByte('_')
		}
	}
	if sb.Len() == 0 {
		return "other"
	}
	return sb.String()
}
