package main

import (
	"bufio"
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"strings"

	"github.com/newsbot/newsbot/answer"
)

// jsonAnswer is one line of `ask --json`.
type jsonAnswer struct {
	Question string `json:"question"`
	Answered bool   `json:"answered"`
	// Reason says why it refused, or what the claim check removed from a
	// model answer.
	Reason    string             `json:"reason,omitempty"`
	Answer    string             `json:"answer"`
	Citations []answer.Citation  `json:"citations"`
	Retrieved []jsonHit          `json:"retrieved"`
	Mode      string             `json:"mode"`
	Model     string             `json:"model"`
	TimingsMS map[string]float64 `json:"timings_ms"`
	Error     string             `json:"error,omitempty"`
}

type jsonHit struct {
	Chunk string  `json:"chunk"`
	Doc   string  `json:"doc"`
	Score float64 `json:"score"`
	Text  string  `json:"text"`
}

func toJSON(a answer.Answer) jsonAnswer {
	j := jsonAnswer{
		Question: a.Question, Answered: a.Answered, Reason: a.Reason, Answer: a.Text, Citations: a.Citations,
		Mode: a.Mode, Model: a.Model, TimingsMS: a.Timings, Retrieved: []jsonHit{},
	}
	if j.Citations == nil {
		j.Citations = []answer.Citation{}
	}
	for _, h := range a.Retrieved {
		j.Retrieved = append(j.Retrieved, jsonHit{Chunk: h.Chunk.ID, Doc: h.Chunk.Doc, Score: h.Score, Text: h.Chunk.Text})
	}
	return j
}

func runAsk(ctx context.Context, e *env, args []string) error {
	cfg, err := loadConfig(e.getenv)
	if err != nil {
		return err
	}
	fs := flag.NewFlagSet("ask", flag.ContinueOnError)
	commonFlags(fs, &cfg)
	asJSON := fs.Bool("json", false, "print one JSON object per answer")
	explain := fs.Bool("explain", false, "after a refusal, say why (the reason is always in --json)")
	k := fs.Int("k", answer.DefaultK, "snippets to retrieve")
	pos, err := parseFlags(fs, args)
	if err != nil {
		return err
	}
	if *k < 1 || *k > 50 {
		return usageError{"--k must be between 1 and 50"}
	}
	var question string
	if len(pos) > 0 {
		question = strings.TrimSpace(strings.Join(pos, " "))
		if question == "" {
			return usageError{"empty question; usage: newsbot ask [--json] [--explain] [--k N] [QUESTION]"}
		}
		if err := checkQuestion(question); err != nil {
			return err
		}
	}
	// The CLI reports a failing model (exit 1, naming it and its URL)
	// rather than hiding it behind an extractive answer.
	cfg.Fallback = false
	eng, _, err := newEngine(ctx, cfg, cliLogger(e.stderr), nil)
	if err != nil {
		return err
	}
	// Sentence vectors embedded while answering are kept for the next run.
	defer func() {
		if err := eng.SaveCache(); err != nil {
			cliLogger(e.stderr).Warn("embedding cache not saved", "err", err)
		}
	}()
	out := bufio.NewWriter(e.stdout)
	defer out.Flush()
	answerOne := func(q string) error {
		a, err := eng.Ask(ctx, answer.Request{Question: q, K: *k})
		if err != nil {
			return err
		}
		return printAnswer(out, a, *asJSON, *explain)
	}
	if question != "" {
		return answerOne(question)
	}
	// One question per line of stdin, one answer per question, in order.
	if e.isTerminal(e.stdin) {
		fmt.Fprint(e.stderr, askHint)
	}
	sc := bufio.NewScanner(e.stdin)
	sc.Buffer(make([]byte, 64*1024), 1<<20)
	n := 0
	for sc.Scan() {
		q := strings.TrimSpace(sc.Text())
		if q == "" {
			continue
		}
		n++
		if err := checkQuestion(q); err != nil {
			// A bad line gets its own error line; the others are answered.
			if *asJSON {
				writeJSON(out, jsonAnswer{Question: truncate(q, 80), Error: err.Error(), Citations: []answer.Citation{}, Retrieved: []jsonHit{}})
			} else {
				fmt.Fprintf(out, "error: %s\n\n", err)
			}
			continue
		}
		if !*asJSON {
			fmt.Fprintf(out, "> %s\n", q) // which answer is which, in a batch
		}
		if err := answerOne(q); err != nil {
			return err
		}
		out.Flush()
	}
	if err := sc.Err(); err != nil {
		return fmt.Errorf("read questions: %w", err)
	}
	if n == 0 {
		return usageError{"no question given; usage: newsbot ask [--json] [--explain] [--k N] [QUESTION], or questions on stdin"}
	}
	return nil
}

// checkQuestion rejects questions before any work is done.
func checkQuestion(q string) error {
	if len([]rune(q)) > answer.MaxQuestionLen {
		return usageError{answer.ErrQuestionTooLong.Error()}
	}
	return nil
}

func printAnswer(w io.Writer, a answer.Answer, asJSON, explain bool) error {
	if asJSON {
		return writeJSON(w, toJSON(a))
	}
	fmt.Fprintln(w, a.Text)
	if explain && !a.Answered && a.Reason != "" {
		fmt.Fprintf(w, "(why: %s)\n", a.Reason)
	}
	chunks := map[string]string{}
	for _, h := range a.Retrieved {
		chunks[h.Chunk.ID] = h.Chunk.Text
	}
	for _, c := range a.Citations {
		fmt.Fprintf(w, "[%d] “%s” — %s\n", c.Ref, displayQuote(c.Quote, chunks[c.Chunk], maxQuoteDisplay), c.Title)
	}
	_, err := fmt.Fprintln(w)
	return err
}

// askHint is what `ask` says when it would read questions from a terminal.
const askHint = `Type a question and press Enter; one answer per line typed. Ctrl-D ends.
(Or: newsbot ask "Where will the talks be held?")
`

// maxQuoteDisplay is the longest quote the text output shows, in
// characters: the engine's quotes are at most 300 bytes, so this shortens
// nothing of theirs and bounds a long custom one.
const maxQuoteDisplay = 300

// displayQuote returns a citation's quote as one line of plain text: runs
// of spaces and line breaks become one space, and a quote longer than max
// characters is cut at a word boundary. A quote that is cut, here or by the
// engine (which takes a window of whole words from a longer passage), ends
// with "…", so a reader knows the sentence goes on. passage is the text the
// quote was taken from ("" if unknown): a quote that ends where its passage
// ends is whole even without a full stop (a copyright line).
func displayQuote(q, passage string, max int) string {
	q = strings.Join(strings.Fields(q), " ")
	if p := strings.Join(strings.Fields(passage), " "); p != "" && strings.HasSuffix(p, q) && len([]rune(q)) <= max {
		return q
	}
	r := []rune(q)
	cut := false
	if len(r) > max {
		end := max
		for end > 0 && r[end] != ' ' {
			end--
		}
		if end == 0 { // one long word
			end = max
		}
		q, cut = strings.TrimRight(string(r[:end]), " ,;:—–-"), true
	}
	if q != "" && (cut || !endsSentence(q)) {
		q += "…"
	}
	return q
}

// endsSentence reports whether s ends like a sentence: a full stop, a
// question or exclamation mark, an ellipsis, optionally followed by
// closing quotes or brackets.
func endsSentence(s string) bool {
	s = strings.TrimRight(s, "\"'”’»)]")
	return strings.HasSuffix(s, ".") || strings.HasSuffix(s, "?") || strings.HasSuffix(s, "!") || strings.HasSuffix(s, "…")
}

func writeJSON(w io.Writer, v any) error {
	b, err := json.Marshal(v)
	if err != nil {
		return err
	}
	_, err = fmt.Fprintf(w, "%s\n", b)
	return err
}

func truncate(s string, n int) string {
	r := []rune(s)
	if len(r) <= n {
		return s
	}
	return string(r[:n]) + "…"
}
