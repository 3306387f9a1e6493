package encoder

import (
	"strings"
	"testing"
	"unicode/utf8"

	"golang.org/x/text/unicode/norm"
)

// FuzzTokenizer checks that Encode never fails and loses nothing: without
// unknown pieces, the pieces spell the normalized text (spaces as U+2581,
// one in front), and every id is a real piece.
func FuzzTokenizer(f *testing.F) {
	for _, s := range []string{"", " ", "Hello world.", "wat happened w the strike lol", "ﬁnancial ＦＵＬＬ", "北京 😀", "a  b\tc\n", "\xff\xfe"} {
		f.Add(s)
	}
	e, err := New(Options{})
	if err != nil {
		f.Fatal(err)
	}
	tok := e.Tokenizer()
	f.Fuzz(func(t *testing.T, s string) {
		if !utf8.ValidString(s) {
			s = strings.ToValidUTF8(s, "\uFFFD")
		}
		ids := tok.Encode(s)
		n := norm.NFKC.String(s)
		if n == "" {
			if len(ids) != 0 {
				t.Fatalf("Encode(%q) = %v, want none", s, ids)
			}
			return
		}
		var b strings.Builder
		unknown := false
		for _, id := range ids {
			if id < 0 || id >= tok.VocabSize() || (id > UnknownID && id < reservedPieces) {
				t.Fatalf("Encode(%q): id %d", s, id)
			}
			unknown = unknown || id == UnknownID
			b.WriteString(tok.Piece(id))
		}
		if want := separator + strings.ReplaceAll(n, " ", separator); !unknown && b.String() != want {
			t.Fatalf("Encode(%q): pieces spell %q, want %q", s, b.String(), want)
		}
	})
}

func TestTokenizerMergesUnknownRuns(t *testing.T) {
	tok := newEncoder(t).Tokenizer()
	ids := tok.Encode("北京上海")
	zeros := 0
	for _, id := range ids {
		if id == UnknownID {
			zeros++
		}
	}
	if zeros != 1 {
		t.Errorf("Encode(four characters no piece covers) = %v: want one unknown id", ids)
	}
}
