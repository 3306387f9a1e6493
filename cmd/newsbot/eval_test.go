package main

import (
	"encoding/json"
	"strings"
	"testing"
)

func TestEvalMeetsTheBarsOnTheQuestionSet(t *testing.T) {
	t.Parallel()
	out, _, err := runCLI(t, nil, "", "eval", "--questions", "../../testdata/questions.jsonl", "--json",
		"--min-hit3", "0.95", "--min-answer", "0.85", "--min-refusal", "0.83")
	if err != nil {
		t.Fatalf("%v\n%s", err, out)
	}
	var rep evalReport
	if err := json.Unmarshal([]byte(out), &rep); err != nil {
		t.Fatal(err)
	}
	if rep.FalseRefused > 1 || rep.VerbatimQuotes != 1 || rep.MaxQuoteLen > 400 || rep.MaxChunkLen > 1000 {
		t.Errorf("false refusals %d, verbatim %.2f, longest quote %d, longest chunk %d", rep.FalseRefused, rep.VerbatimQuotes, rep.MaxQuoteLen, rep.MaxChunkLen)
	}
}

func TestEvalFailsUnderThreshold(t *testing.T) {
	t.Parallel()
	_, _, err := runCLI(t, nil, "", "eval", "--questions", "../../testdata/questions.jsonl", "--min-answer", "1.01")
	if err == nil || !strings.Contains(err.Error(), "below thresholds") {
		t.Errorf("err = %v", err)
	}
}

// The team's own questions about the default story (testdata/README.md
// says how they were written): a check that the offline default does not
// only work on the shared set.
func TestEvalOnTheExtraQuestionSet(t *testing.T) {
	t.Parallel()
	out, _, err := runCLI(t, nil, "", "eval", "--questions", "../../testdata/extra_questions.jsonl", "--json",
		"--min-hit3", "0.9", "--min-answer", "0.85", "--min-refusal", "0.85")
	if err != nil {
		t.Fatalf("%v\n%s", err, out)
	}
}
