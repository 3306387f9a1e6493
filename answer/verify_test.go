package answer

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
	"strings"
	"testing"

	"github.com/newsbot/newsbot/retrieval"
)

type labelledClaims struct {
	Stories map[string]string `json:"stories"`
	Claims  []struct {
		Story     string `json:"story"`
		Kind      string `json:"kind"`
		Supported bool   `json:"supported"`
		Claim     string `json:"claim"`
	} `json:"claims"`
}

func loadLabelledClaims(t testing.TB) labelledClaims {
	t.Helper()
	b, err := os.ReadFile("testdata/claims.json")
	if err != nil {
		t.Fatal(err)
	}
	var set labelledClaims
	if err := json.Unmarshal(b, &set); err != nil {
		t.Fatal(err)
	}
	return set
}

// verifierScore is the verifier's confusion on the labelled set, the
// positive class being "supported": a kept citation.
type verifierScore struct {
	tp, fp, fn, tn int
	misses         []string
}

func (s verifierScore) precision() float64 { return float64(s.tp) / float64(max(1, s.tp+s.fp)) }
func (s verifierScore) recall() float64    { return float64(s.tp) / float64(max(1, s.tp+s.fn)) }

func scoreVerifier(t testing.TB, cfg VerifierConfig) verifierScore {
	set := loadLabelledClaims(t)
	var sc verifierScore
	var all []string
	for _, s := range set.Stories {
		all = append(all, s)
	}
	for _, c := range set.Claims {
		snippet, ok := set.Stories[c.Story]
		if !ok {
			t.Fatalf("claim %q: no story %q", c.Claim, c.Story)
		}
		vc := newVerifierRun(context.Background(), cfg, all)
		got := vc.checkClaim(c.Claim, snippet, false)
		switch {
		case got.ok && c.Supported:
			sc.tp++
		case got.ok && !c.Supported:
			sc.fp++
			sc.misses = append(sc.misses, fmt.Sprintf("kept    %-10s %q", c.Kind, c.Claim))
		case !got.ok && c.Supported:
			sc.fn++
			sc.misses = append(sc.misses, fmt.Sprintf("dropped %-10s %q: %s", c.Kind, c.Claim, got.why))
		default:
			sc.tn++
		}
	}
	return sc
}

// TestVerifierOnLabelledClaims reports the verifier's citation precision
// and recall on the team's labelled set (BENCHMARKS.md):
//
//	go test ./answer -run TestVerifierOnLabelledClaims -v
func TestVerifierOnLabelledClaims(t *testing.T) {
	for _, c := range []struct {
		name string
		cfg  VerifierConfig
	}{
		{"lexical", VerifierConfig{}},
		{"lexical+local encoder", VerifierConfig{Encoder: retrieval.LocalEmbedder{}}},
	} {
		sc := scoreVerifier(t, c.cfg)
		t.Logf("%s: precision %.3f recall %.3f (tp %d fp %d fn %d tn %d)", c.name, sc.precision(), sc.recall(), sc.tp, sc.fp, sc.fn, sc.tn)
		t.Log("\n" + strings.Join(sc.misses, "\n"))
	}
}
