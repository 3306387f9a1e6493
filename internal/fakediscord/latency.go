package fakediscord

import (
	"slices"
	"testing"
	"time"
)

// ReportAckLatencies reports the p50, p99 and maximum of the acknowledgement
// latencies lat (sorting them) as benchmark metrics, and fails b when the
// p99 is not under 250 ms, the project's budget within Discord's 3 s.
func ReportAckLatencies(b *testing.B, lat []time.Duration) {
	b.Helper()
	if len(lat) == 0 {
		b.Fatal("no acknowledgement latencies")
	}
	slices.Sort(lat)
	pct := func(p float64) float64 {
		return float64(lat[min(len(lat)-1, int(p*float64(len(lat))))].Microseconds()) / 1000
	}
	b.ReportMetric(pct(0.50), "p50-ack-ms")
	b.ReportMetric(pct(0.99), "p99-ack-ms")
	b.ReportMetric(float64(lat[len(lat)-1].Microseconds())/1000, "max-ack-ms")
	if p99 := pct(0.99); p99 >= 250 {
		b.Errorf("p99 acknowledgement latency %.1f ms, want under 250 ms", p99)
	}
}
