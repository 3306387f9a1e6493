package main

import (
	"context"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"

	"github.com/newsbot/newsbot/retrieval"
)

// An article set is a folder <slug>/ holding one or more articles and
// questions.jsonl about them. `eval --sets DIR` scores every set of DIR with
// its own articles as the corpus, then all questions with every set's
// articles in one corpus, where other stories can confuse the gate and the
// citations. Folders whose name starts with "_" or "." are skipped.

// setThresholds are the least scores `eval --sets` accepts: the first three
// over every set asked alone, the last two with all sets in one corpus.
type setThresholds struct {
	hit3, answer, refusal float64
	answerAll, refusalAll float64
}

// articleSet is one folder of DIR.
type articleSet struct {
	Slug      string
	Dir       string
	Questions []evalQuestion
}

// setScore is the scores of a group of questions.
type setScore struct {
	Name            string  `json:"name"`
	Questions       int     `json:"questions"`
	HitAt3          float64 `json:"hit@3"`
	AnswerAccuracy  float64 `json:"answer_accuracy"`
	Correct         int     `json:"answered_correctly"`
	Answerable      int     `json:"answerable"`
	RefusalAccuracy float64 `json:"refusal_accuracy"`
	Refused         int     `json:"unanswerable_refused"`
	Unanswerable    int     `json:"unanswerable"`
	FalseRefusals   float64 `json:"false_refusals"`
	FalseRefused    int     `json:"answerable_refused"`
	withEvidence    int
	hit3            int
}

// setsReport is what `eval --sets --json` prints.
type setsReport struct {
	Sets  []setScore   `json:"sets"`
	Alone setScore     `json:"each_alone"`
	All   setScore     `json:"all_in_one"`
	Mode  string       `json:"mode"`
	Miss  []evalResult `json:"misses"`
}

// readSets lists the article sets of dir, in name order.
func readSets(dir string) ([]articleSet, error) {
	entries, err := os.ReadDir(dir)
	if err != nil {
		return nil, fmt.Errorf("article sets: %w", err)
	}
	var sets []articleSet
	for _, en := range entries {
		name := en.Name()
		if strings.HasPrefix(name, "_") || strings.HasPrefix(name, ".") {
			continue
		}
		d := filepath.Join(dir, name)
		if st, err := os.Stat(d); err != nil || !st.IsDir() {
			continue // a file, or a link to one or to nothing
		}
		qs, err := readQuestions(filepath.Join(d, "questions.jsonl"))
		if err != nil {
			return nil, fmt.Errorf("article set %s: %w", name, err)
		}
		sets = append(sets, articleSet{Slug: name, Dir: d, Questions: qs})
	}
	if len(sets) == 0 {
		return nil, fmt.Errorf("article sets: no folder with questions.jsonl in %s", dir)
	}
	return sets, nil
}

func runEvalSets(ctx context.Context, e *env, cfg config, dir string, th setThresholds, asJSON, misses bool) error {
	sets, err := readSets(dir)
	if err != nil {
		return err
	}
	logger := cliLogger(e.stderr)
	var rep setsReport
	var aloneQs, allQs []evalQuestion
	var aloneRes []evalResult
	for _, s := range sets {
		c := cfg
		c.DataDir, c.load = s.Dir, nil
		eng, _, err := newEngine(ctx, c, logger, nil)
		if err != nil {
			return fmt.Errorf("article set %s: %w", s.Slug, err)
		}
		rep.Mode = eng.Mode()
		r, err := evaluate(ctx, eng, s.Questions)
		if err != nil {
			return fmt.Errorf("article set %s: %w", s.Slug, err)
		}
		rep.Sets = append(rep.Sets, scoreOf(s.Slug, s.Questions, r.Results))
		aloneQs = append(aloneQs, s.Questions...)
		aloneRes = append(aloneRes, r.Results...)
		allQs = append(allQs, s.Questions...)
	}
	rep.Alone = scoreOf("each alone", aloneQs, aloneRes)
	c := cfg
	c.load = func() ([]retrieval.Document, error) {
		var docs []retrieval.Document
		for _, s := range sets {
			d, err := retrieval.LoadDir(s.Dir)
			if err != nil {
				return nil, err
			}
			docs = append(docs, d...)
		}
		return docs, nil
	}
	eng, _, err := newEngine(ctx, c, logger, nil)
	if err != nil {
		return fmt.Errorf("all sets in one corpus: %w", err)
	}
	r, err := evaluate(ctx, eng, allQs)
	if err != nil {
		return fmt.Errorf("all sets in one corpus: %w", err)
	}
	rep.All = scoreOf("all in one corpus", allQs, r.Results)
	for _, x := range aloneRes {
		if !x.Correct {
			rep.Miss = append(rep.Miss, x)
		}
	}
	if asJSON {
		if err := writeJSON(e.stdout, rep); err != nil {
			return err
		}
	} else {
		printSets(e.stdout, rep, misses)
	}
	var fails []string
	check := func(name string, got, least float64) {
		if got < least {
			fails = append(fails, fmt.Sprintf("%s %.2f < %.2f", name, got, least))
		}
	}
	check("hit@3", rep.Alone.HitAt3, th.hit3)
	check("answer accuracy", rep.Alone.AnswerAccuracy, th.answer)
	check("refusal accuracy", rep.Alone.RefusalAccuracy, th.refusal)
	check("answer accuracy (all in one corpus)", rep.All.AnswerAccuracy, th.answerAll)
	check("refusal accuracy (all in one corpus)", rep.All.RefusalAccuracy, th.refusalAll)
	if len(fails) > 0 {
		return fmt.Errorf("eval below thresholds: %s", strings.Join(fails, "; "))
	}
	return nil
}

// scoreOf scores results, which answer qs in order.
func scoreOf(name string, qs []evalQuestion, results []evalResult) setScore {
	s := setScore{Name: name, Questions: len(qs)}
	for i, q := range qs {
		r := results[i]
		if norm(q.Evidence) != "" {
			s.withEvidence++
			if r.HitRank >= 1 && r.HitRank <= 3 {
				s.hit3++
			}
		}
		switch {
		case q.Unanswerable:
			s.Unanswerable++
			if r.Correct {
				s.Refused++
			}
		default:
			s.Answerable++
			if !r.Answered {
				s.FalseRefused++
			} else if r.Correct {
				s.Correct++
			}
		}
	}
	s.HitAt3 = ratio(s.hit3, s.withEvidence)
	s.AnswerAccuracy = ratio(s.Correct, s.Answerable)
	s.RefusalAccuracy = ratio(s.Refused, s.Unanswerable)
	s.FalseRefusals = ratio(s.FalseRefused, s.Answerable)
	return s
}

func printSets(w io.Writer, rep setsReport, misses bool) {
	if misses {
		for _, x := range rep.Miss {
			fmt.Fprintf(w, "MISS %s: %s\n", x.ID, truncate(x.Question, 90))
			if x.Answered {
				fmt.Fprintf(w, "     answer: %s\n", truncate(x.Answer, 200))
				if len(x.Missing) > 0 {
					fmt.Fprintf(w, "     missing: %s\n", strings.Join(x.Missing, "; "))
				}
			} else {
				fmt.Fprintf(w, "     refused: %s\n", x.Reason)
			}
		}
		fmt.Fprintln(w)
	}
	width := len("all in one corpus")
	for _, s := range rep.Sets {
		width = max(width, len(s.Name))
	}
	fmt.Fprintf(w, "%-*s  %9s  %5s  %15s  %15s  %15s\n", width, "set", "questions", "hit@3", "answer", "refusal", "false refusals")
	row := func(s setScore) {
		fmt.Fprintf(w, "%-*s  %9d  %5.2f  %4.2f (%3d/%3d)  %4.2f (%3d/%3d)  %4.2f (%3d/%3d)\n", width, s.Name, s.Questions, s.HitAt3,
			s.AnswerAccuracy, s.Correct, s.Answerable, s.RefusalAccuracy, s.Refused, s.Unanswerable,
			s.FalseRefusals, s.FalseRefused, s.Answerable)
	}
	for _, s := range rep.Sets {
		row(s)
	}
	fmt.Fprintln(w, strings.Repeat("-", width+72))
	row(rep.Alone)
	row(rep.All)
	fmt.Fprintf(w, "mode %s\n", rep.Mode)
}
