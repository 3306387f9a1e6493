package main

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// writeSets writes article sets of the test's own making under a temporary
// folder and returns it.
func writeSets(t *testing.T) string {
	t.Helper()
	dir := t.TempDir()
	sets := map[string][2]string{
		"bakery": {
			"---\ntitle: Bakery wins prize\n---\nThe Rosewood Bakery in Tillmouth won the regional bread prize on Saturday. " +
				"Its owner, Marta Quell, said the winning loaf took three days to make.\n\nThe prize carries 500 pounds.\n",
			`{"id":"b1","question":"Which bakery won the bread prize?","must":["Rosewood"],"evidence":"The Rosewood Bakery in Tillmouth won"}
{"id":"b2","question":"How many pounds does the prize carry?","must":["500"],"evidence":"The prize carries 500 pounds"}
{"id":"b3","question":"What did the Tillmouth mayor think of the loaf?","unanswerable":true}`,
		},
		"ferry": {
			"---\ntitle: Ferry service resumes\n---\nThe ferry between Oskar Island and the mainland resumed on Monday after storms. " +
				"Captain Ilse Brandt said the crossing took forty minutes.\n",
			`{"id":"f1","question":"When did the ferry resume?","must":["Monday"],"evidence":"resumed on Monday"}
{"id":"f2","question":"Who is the captain of the ferry?","must":["Brandt"],"evidence":"Captain Ilse Brandt"}`,
		},
	}
	for slug, s := range sets {
		d := filepath.Join(dir, slug)
		if err := os.MkdirAll(d, 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join(d, slug+".md"), []byte(s[0]), 0o644); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join(d, "questions.jsonl"), []byte(s[1]+"\n"), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	// Skipped: a folder starting with "_" and a loose file.
	if err := os.MkdirAll(filepath.Join(dir, "_corpus"), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, "README.md"), []byte("not a set\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	return dir
}

func TestEvalSetsScoresEachSetAloneThenAllInOne(t *testing.T) {
	dir := writeSets(t)
	out, _, err := runCLI(t, nil, "", "eval", "--offline", "--sets", dir, "--json")
	if err != nil {
		t.Fatalf("%v\n%s", err, out)
	}
	var rep setsReport
	if err := json.Unmarshal([]byte(out), &rep); err != nil {
		t.Fatal(err)
	}
	if len(rep.Sets) != 2 || rep.Sets[0].Name != "bakery" || rep.Sets[1].Name != "ferry" {
		t.Fatalf("sets = %+v", rep.Sets)
	}
	if rep.Alone.Questions != 5 || rep.All.Questions != 5 || rep.Alone.Answerable != 4 || rep.Alone.Unanswerable != 1 {
		t.Errorf("each alone %+v, all in one %+v", rep.Alone, rep.All)
	}
	if rep.Alone.Correct < 3 || rep.All.Correct < 3 {
		t.Errorf("answered correctly: alone %d, all in one %d of 4", rep.Alone.Correct, rep.All.Correct)
	}
	out, _, err = runCLI(t, nil, "", "eval", "--offline", "--sets", dir)
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"bakery", "ferry", "each alone", "all in one corpus", "hit@3"} {
		if !strings.Contains(out, want) {
			t.Errorf("table lacks %q:\n%s", want, out)
		}
	}
}

func TestEvalSetsFailsUnderThresholdAndOnBadFolders(t *testing.T) {
	dir := writeSets(t)
	_, _, err := runCLI(t, nil, "", "eval", "--offline", "--sets", dir, "--min-answer-all", "1.01")
	if err == nil || !strings.Contains(err.Error(), "all in one corpus") {
		t.Errorf("err = %v", err)
	}
	empty := t.TempDir()
	if _, _, err := runCLI(t, nil, "", "eval", "--offline", "--sets", empty); err == nil || !strings.Contains(err.Error(), "no folder") {
		t.Errorf("empty folder: err = %v", err)
	}
	if _, _, err := runCLI(t, nil, "", "eval", "--offline", "--sets", filepath.Join(empty, "missing")); err == nil {
		t.Error("missing folder: no error")
	}
	noQs := filepath.Join(empty, "lonely")
	if err := os.MkdirAll(noQs, 0o755); err != nil {
		t.Fatal(err)
	}
	if _, _, err := runCLI(t, nil, "", "eval", "--offline", "--sets", empty); err == nil || !strings.Contains(err.Error(), "lonely") {
		t.Errorf("set without questions: err = %v", err)
	}
}
