package main

import (
	"github.com/prometheus/client_golang/prometheus"
)

// engineMetrics counts what the engine sees and the bot cannot (see
// answer.Metrics); serve hands its collectors to the bot, which serves them
// on /metrics.
type engineMetrics struct {
	claims *prometheus.CounterVec
	stops  *prometheus.CounterVec
}

func newEngineMetrics() *engineMetrics {
	return &engineMetrics{
		claims: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "newsbot_claims_dropped_total",
			Help: "Sentences and citations the claim check removed from model replies, by reason (uncited, unsupported, link, repeated, cut).",
		}, []string{"reason"}),
		stops: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "newsbot_model_stops_total",
			Help: "Model replies stopped early that still made an answer or a refusal, by reason (length, content_filter).",
		}, []string{"reason"}),
	}
}

func (m *engineMetrics) ClaimsDropped(reason string, n int) {
	m.claims.WithLabelValues(reason).Add(float64(n))
}

func (m *engineMetrics) ModelStopped(reason string) { m.stops.WithLabelValues(reason).Inc() }

func (m *engineMetrics) collectors() []prometheus.Collector {
	return []prometheus.Collector{m.claims, m.stops}
}
