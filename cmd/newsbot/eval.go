package main

import (
	"bufio"
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"os"
	"strings"

	"github.com/newsbot/newsbot/answer"
	"github.com/newsbot/newsbot/retrieval"
)

// evalQuestion is one line of a question set (see testdata/README.md).
type evalQuestion struct {
	ID           string   `json:"id"`
	Question     string   `json:"question"`
	Must         []string `json:"must"`
	Evidence     string   `json:"evidence"`
	Unanswerable bool     `json:"unanswerable"`
}

// evalResult is one question's outcome.
type evalResult struct {
	ID        string   `json:"id"`
	Question  string   `json:"question"`
	Answered  bool     `json:"answered"`
	Correct   bool     `json:"correct"`
	HitRank   int      `json:"hit_rank"` // 1-based rank of the first chunk with the evidence; 0 if none
	Supported bool     `json:"supported"`
	Answer    string   `json:"answer"`
	Reason    string   `json:"reason,omitempty"` // why it was refused
	Missing   []string `json:"missing,omitempty"`
	Quotes    []string `json:"quotes"`
}

// evalReport holds the scores, as defined in the question set's README.
type evalReport struct {
	Questions       int          `json:"questions"`
	HitAt1          float64      `json:"hit@1"`
	HitAt3          float64      `json:"hit@3"`
	HitAt5          float64      `json:"hit@5"`
	AnswerAccuracy  float64      `json:"answer_accuracy"`
	RefusalAccuracy float64      `json:"refusal_accuracy"`
	Refused         int          `json:"unanswerable_refused"`
	Unanswerable    int          `json:"unanswerable"`
	FalseRefusals   float64      `json:"false_refusals"`
	FalseRefused    int          `json:"answerable_refused"`
	CitationSupport float64      `json:"citation_support"`
	VerbatimQuotes  float64      `json:"verbatim_quotes"`
	MaxQuoteLen     int          `json:"max_quote_len"`
	MaxChunkLen     int          `json:"max_chunk_len"`
	Mode            string       `json:"mode"`
	Results         []evalResult `json:"results"`
}

func runEval(ctx context.Context, e *env, args []string) error {
	cfg, err := loadConfig(e.getenv)
	if err != nil {
		return err
	}
	fs := flag.NewFlagSet("eval", flag.ContinueOnError)
	commonFlags(fs, &cfg)
	file := fs.String("questions", "", "question set `file` (JSON lines)")
	asJSON := fs.Bool("json", false, "print the report as JSON")
	minHit3 := fs.Float64("min-hit3", 0, "fail when hit@3 is below this")
	minAnswer := fs.Float64("min-answer", 0, "fail when answer accuracy is below this")
	minRefusal := fs.Float64("min-refusal", 0, "fail when refusal accuracy is below this")
	sets := fs.String("sets", "", "`directory` of article sets (<slug>/ with its article and questions.jsonl): each alone, then all in one corpus")
	minAnswerAll := fs.Float64("min-answer-all", 0, "with --sets: fail when answer accuracy with all sets in one corpus is below this")
	minRefusalAll := fs.Float64("min-refusal-all", 0, "with --sets: fail when refusal accuracy with all sets in one corpus is below this")
	misses := fs.Bool("misses", false, "with --sets: list each question missed, with the answer or the reason for refusing")
	pos, err := parseFlags(fs, args)
	if err != nil {
		return err
	}
	if *sets != "" && *file == "" && len(pos) == 0 {
		th := setThresholds{hit3: *minHit3, answer: *minAnswer, refusal: *minRefusal, answerAll: *minAnswerAll, refusalAll: *minRefusalAll}
		return runEvalSets(ctx, e, cfg, *sets, th, *asJSON, *misses)
	}
	if *file == "" || *sets != "" || len(pos) > 0 {
		return usageError{"usage: newsbot eval --questions FILE [--json] [--min-hit3 X] [--min-answer X] [--min-refusal X]\n" +
			"       newsbot eval --sets DIR [--json] [--misses] [--min-hit3 X] [--min-answer X] [--min-refusal X] [--min-answer-all X] [--min-refusal-all X]"}
	}
	qs, err := readQuestions(*file)
	if err != nil {
		return err
	}
	cfg.Fallback = false // a failing model is an error of the run, not a lower score
	eng, _, err := newEngine(ctx, cfg, cliLogger(e.stderr), nil)
	if err != nil {
		return err
	}
	rep, err := evaluate(ctx, eng, qs)
	if err != nil {
		return err
	}
	if *asJSON {
		if err := writeJSON(e.stdout, rep); err != nil {
			return err
		}
	} else {
		printReport(e.stdout, rep)
	}
	var fails []string
	if rep.HitAt3 < *minHit3 {
		fails = append(fails, fmt.Sprintf("hit@3 %.2f < %.2f", rep.HitAt3, *minHit3))
	}
	if rep.AnswerAccuracy < *minAnswer {
		fails = append(fails, fmt.Sprintf("answer accuracy %.2f < %.2f", rep.AnswerAccuracy, *minAnswer))
	}
	if rep.RefusalAccuracy < *minRefusal {
		fails = append(fails, fmt.Sprintf("refusal accuracy %.2f < %.2f", rep.RefusalAccuracy, *minRefusal))
	}
	if len(fails) > 0 {
		return fmt.Errorf("eval below thresholds: %s", strings.Join(fails, "; "))
	}
	return nil
}

func readQuestions(path string) ([]evalQuestion, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, fmt.Errorf("question set: %w", err)
	}
	defer f.Close()
	var qs []evalQuestion
	sc := bufio.NewScanner(f)
	sc.Buffer(make([]byte, 64*1024), 1<<20)
	for line := 1; sc.Scan(); line++ {
		s := strings.TrimSpace(sc.Text())
		if s == "" {
			continue
		}
		var q evalQuestion
		if err := json.Unmarshal([]byte(s), &q); err != nil {
			return nil, fmt.Errorf("%s:%d: %w", path, line, err)
		}
		if strings.TrimSpace(q.Question) == "" {
			return nil, fmt.Errorf("%s:%d: no question", path, line)
		}
		qs = append(qs, q)
	}
	if err := sc.Err(); err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	if len(qs) == 0 {
		return nil, fmt.Errorf("%s: no questions", path)
	}
	return qs, nil
}

// norm is the question set's normalization: ASCII quotes and dashes,
// collapsed white space, lower case.
func norm(s string) string { return strings.ToLower(retrieval.Normalize(s)) }

// evaluate asks every question of qs and scores the answers; quotes are
// checked against the documents of the index that answered them.
func evaluate(ctx context.Context, eng *answer.Engine, qs []evalQuestion) (evalReport, error) {
	var article strings.Builder
	for _, d := range eng.Index().Docs() {
		article.WriteString(norm(d.Raw))
		article.WriteString("\n")
	}
	corpus := article.String()
	rep := evalReport{Questions: len(qs), Mode: eng.Mode()}
	for _, c := range eng.Index().Chunks() {
		rep.MaxChunkLen = max(rep.MaxChunkLen, len(c.Text))
	}
	var withEvidence, hit1, hit3, hit5, supported, answerable, correct, falseRef, quotes, verbatim int
	for _, q := range qs {
		a, err := eng.Ask(ctx, answer.Request{Question: q.Question, K: 5})
		if err != nil {
			return rep, fmt.Errorf("question %s: %w", q.ID, err)
		}
		r := evalResult{ID: q.ID, Question: q.Question, Answered: a.Answered, Answer: a.Text, Reason: a.Reason, Quotes: []string{}}
		for _, c := range a.Citations {
			r.Quotes = append(r.Quotes, c.Quote)
			quotes++
			rep.MaxQuoteLen = max(rep.MaxQuoteLen, len(c.Quote))
			if strings.Contains(corpus, norm(c.Quote)) {
				verbatim++
			}
		}
		if ev := norm(q.Evidence); ev != "" {
			withEvidence++
			for i, h := range a.Retrieved {
				if strings.Contains(norm(h.Chunk.Text), ev) {
					r.HitRank = i + 1
					break
				}
			}
			if r.HitRank == 1 {
				hit1++
			}
			if r.HitRank >= 1 && r.HitRank <= 3 {
				hit3++
			}
			if r.HitRank >= 1 && r.HitRank <= 5 {
				hit5++
			}
			chunks := map[string]string{}
			for _, h := range a.Retrieved {
				chunks[h.Chunk.ID] = h.Chunk.Text
			}
			for _, c := range a.Citations {
				if strings.Contains(norm(c.Quote), ev) || strings.Contains(norm(chunks[c.Chunk]), ev) {
					r.Supported = true
				}
			}
			if r.Supported {
				supported++
			}
		}
		if q.Unanswerable {
			rep.Unanswerable++
			if !a.Answered && len(a.Citations) == 0 {
				rep.Refused++
				r.Correct = true
			}
		} else {
			answerable++
			if !a.Answered {
				falseRef++
			} else {
				text := norm(a.Text)
				for _, group := range q.Must {
					ok := false
					for _, alt := range strings.Split(group, "|") {
						if strings.Contains(text, norm(alt)) {
							ok = true
						}
					}
					if !ok {
						r.Missing = append(r.Missing, group)
					}
				}
				r.Correct = len(r.Missing) == 0
				if r.Correct {
					correct++
				}
			}
		}
		rep.Results = append(rep.Results, r)
	}
	rep.HitAt1 = ratio(hit1, withEvidence)
	rep.HitAt3 = ratio(hit3, withEvidence)
	rep.HitAt5 = ratio(hit5, withEvidence)
	rep.CitationSupport = ratio(supported, withEvidence)
	rep.AnswerAccuracy = ratio(correct, answerable)
	rep.FalseRefusals = ratio(falseRef, answerable)
	rep.FalseRefused = falseRef
	rep.RefusalAccuracy = ratio(rep.Refused, rep.Unanswerable)
	rep.VerbatimQuotes = ratio(verbatim, quotes)
	if quotes == 0 {
		rep.VerbatimQuotes = 1
	}
	return rep, nil
}

func ratio(n, d int) float64 {
	if d == 0 {
		return 0
	}
	return float64(n) / float64(d)
}

func printReport(w io.Writer, r evalReport) {
	for _, x := range r.Results {
		mark := "ok  "
		if !x.Correct {
			mark = "MISS"
		}
		fmt.Fprintf(w, "%s %-5s hit@%d answered=%-5v %s\n", mark, x.ID, x.HitRank, x.Answered, truncate(x.Question, 70))
		if !x.Correct {
			if x.Answered {
				fmt.Fprintf(w, "           answer: %s\n", truncate(x.Answer, 200))
			} else {
				fmt.Fprintf(w, "           refused: %s\n", x.Reason)
			}
			if len(x.Missing) > 0 {
				fmt.Fprintf(w, "           missing: %s\n", strings.Join(x.Missing, "; "))
			}
		}
	}
	fmt.Fprintf(w, "\nquestions %d (mode %s)\n", r.Questions, r.Mode)
	fmt.Fprintf(w, "hit@1 %.2f  hit@3 %.2f  hit@5 %.2f\n", r.HitAt1, r.HitAt3, r.HitAt5)
	fmt.Fprintf(w, "answer accuracy %.2f  false refusals %.2f (%d)\n", r.AnswerAccuracy, r.FalseRefusals, r.FalseRefused)
	fmt.Fprintf(w, "refusal accuracy %.2f (%d of %d)\n", r.RefusalAccuracy, r.Refused, r.Unanswerable)
	fmt.Fprintf(w, "citation support %.2f  verbatim quotes %.2f  longest quote %d  longest chunk %d\n",
		r.CitationSupport, r.VerbatimQuotes, r.MaxQuoteLen, r.MaxChunkLen)
}
