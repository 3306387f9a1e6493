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
	Question  string             `json:"question"`
	Answered  bool               `json:"answered"`
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
		Question: a.Question, Answered: a.Answered, Answer: a.Text, Citations: a.Citations,
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
			return usageError{"empty question; usage: newsbot ask [--json] [--k N] [QUESTION]"}
		}
		if err := checkQuestion(question); err != nil {
			return err
		}
	}
	eng, _, err := newEngine(ctx, cfg, cliLogger(e.stderr), nil)
	if err != nil {
		return err
	}
	out := bufio.NewWriter(e.stdout)
	defer out.Flush()
	answerOne := func(q string) error {
		a, err := eng.Ask(ctx, answer.Request{Question: q, K: *k})
		if err != nil {
			return err
		}
		return printAnswer(out, a, *asJSON)
	}
	if question != "" {
		return answerOne(question)
	}
	// One question per line of stdin, one answer per question, in order.
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
		if err := answerOne(q); err != nil {
			return err
		}
		out.Flush()
	}
	if err := sc.Err(); err != nil {
		return fmt.Errorf("read questions: %w", err)
	}
	if n == 0 {
		return usageError{"no question given; usage: newsbot ask [--json] [--k N] [QUESTION], or questions on stdin"}
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

func printAnswer(w io.Writer, a answer.Answer, asJSON bool) error {
	if asJSON {
		return writeJSON(w, toJSON(a))
	}
	fmt.Fprintln(w, a.Text)
	for _, c := range a.Citations {
		fmt.Fprintf(w, "[%d] %q — %s\n", c.Ref, c.Quote, c.Title)
	}
	_, err := fmt.Fprintln(w)
	return err
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
