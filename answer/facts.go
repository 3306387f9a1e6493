package answer

import (
	"regexp"
	"strconv"
	"strings"
	"unicode"

	"github.com/newsbot/newsbot/retrieval"
)

// facts are what a sentence states, in canonical forms that compare across
// spellings: "Feb." and "February", "U.S." and "United States", "10" and
// "ten", "Putin's" and "Putin".
type facts struct {
	numbers []string // "10", "2.5", "%"
	dates   []string // months and weekdays: "february", "tuesday"
	names   []string // people, places, organizations: "lavrov", "us"
	// nameGroups are the names written together ("Tomas Reyes"), of
	// which a window must hold at least one word each.
	nameGroups [][]string
	content    []string // stems of the content words, names included
	// negAt holds the positions in toks of negations ("not", "never",
	// "won't").
	negAt []int
	toks  []token
}

// token is one word of a text, in canonical form.
type token struct {
	canon   string // lower case, dots and possessives removed, aliases applied
	stem    string // its stem; "" for stopwords
	capital bool   // written with a capital letter
	initial bool   // first word of the sentence
	kind    tokenKind
}

type tokenKind int

const (
	tokWord tokenKind = iota
	tokNumber
	tokDate
)

// wordPattern matches the words of a text: letters and digits, with inner
// dots ("U.S."), apostrophes ("Putin's") and digit groups ("1,000",
// "2.5"); "%" on its own.
var wordPattern = regexp.MustCompile(`\d+,\d{1,2}\b|[\p{L}\p{N}]+(?:(?:[.'’]|,\d)[\p{L}\p{N}]+)*\.?|%`)

// decimalComma matches a number written with a decimal comma, as most of
// Europe does ("14,5"): thousands groups have three digits.
var decimalComma = regexp.MustCompile(`^\d+,\d{1,2}$`)

// aliases maps spellings of the same name to one form (after lower-casing
// and removing dots). Bigrams are joined with a space.
var aliases = map[string]string{
	"united states": "us", "usa": "us", "america": "us", "american": "us", "americans": "us",
	"united kingdom": "uk", "britain": "uk", "british": "uk", "great britain": "uk",
	"european union": "eu", "united nations": "un", "soviet union": "ussr",
	"percent": "%", "pct": "%",
}

// demonyms maps nationality words whose country does not share their
// first five letters ("Polish", "Chinese") to the country; the others
// ("Russian", "Kenyan") meet their country through sameWordFamily.
var demonyms = map[string]string{
	"polish": "poland", "pole": "poland", "poles": "poland", "chinese": "china", "spanish": "spain", "spaniard": "spain",
	"french": "france", "dutch": "netherlands", "swiss": "switzerland", "turkish": "turkey", "greek": "greece",
	"danish": "denmark", "dane": "denmark", "swedish": "sweden", "swede": "sweden", "finnish": "finland", "finn": "finland",
	"norwegian": "norway", "irish": "ireland", "welsh": "wales", "scottish": "scotland", "scots": "scotland",
	"thai": "thailand", "filipino": "philippines", "peruvian": "peru", "cuban": "cuba", "iraqi": "iraq", "iranian": "iran",
	"israeli": "israel", "saudi": "saudi", "emirati": "uae", "qatari": "qatar", "omani": "oman", "yemeni": "yemen",
	"afghan": "afghanistan", "pakistani": "pakistan", "bangladeshi": "bangladesh", "nepalese": "nepal", "nepali": "nepal",
	"japanese": "japan", "korean": "korea", "vietnamese": "vietnam", "lebanese": "lebanon", "sudanese": "sudan",
	"congolese": "congo", "portuguese": "portugal", "maltese": "malta", "icelandic": "iceland", "czech": "czechia",
	"slovak": "slovakia", "croatian": "croatia", "croat": "croatia", "serb": "serbia", "bosnian": "bosnia",
	"belgian": "belgium", "hungarian": "hungary", "romanian": "romania", "bulgarian": "bulgaria", "ukrainian": "ukraine",
	"belarusian": "belarus", "lithuanian": "lithuania", "latvian": "latvia", "estonian": "estonia", "mexican": "mexico",
	"brazilian": "brazil", "argentine": "argentina", "argentinian": "argentina", "chilean": "chile", "colombian": "colombia",
	"venezuelan": "venezuela", "canadian": "canada", "australian": "australia", "egyptian": "egypt", "moroccan": "morocco",
	"algerian": "algeria", "tunisian": "tunisia", "libyan": "libya", "nigerian": "nigeria", "ghanaian": "ghana",
	"somali": "somalia", "german": "germany", "italian": "italy", "indian": "india", "kiwi": "zealand",
}

// numberWords are read as numbers. "one" is not: "one of the officials".
var numberWords = map[string]string{
	"two": "2", "three": "3", "four": "4", "five": "5", "six": "6", "seven": "7", "eight": "8", "nine": "9",
	"ten": "10", "eleven": "11", "twelve": "12", "thirteen": "13", "fourteen": "14", "fifteen": "15",
	"sixteen": "16", "seventeen": "17", "eighteen": "18", "nineteen": "19", "twenty": "20", "thirty": "30",
	"forty": "40", "fifty": "50", "sixty": "60", "seventy": "70", "eighty": "80", "ninety": "90",
	"hundred": "100", "thousand": "1000", "dozen": "12", "first": "1", "second": "2", "third": "3",
	"fourth": "4", "fifth": "5", "twice": "2", "double": "2", "doubled": "2", "half": "0.5",
}

// dateWords maps months and weekdays, and their abbreviations, to one
// form. English, then Spanish, French, German, Italian and Portuguese
// months and weekdays, for claims in those languages.
var dateWords = func() map[string]string {
	m := map[string]string{}
	for _, line := range strings.Split(`january jan enero janvier januar gennaio janeiro
february feb febrero février fevrier februar febbraio fevereiro
march mar marzo mars märz marz março
april apr abril avril aprile
may mayo mai maggio maio
june jun junio juin juni giugno junho
july jul julio juillet juli luglio julho
august aug agosto août aout
september sep sept septiembre septembre settembre setembro
october oct octubre octobre oktober ottobre outubro
november nov noviembre novembre novembro
december dec diciembre décembre decembre dezember dicembre dezembro
monday mon lunes lundi montag lunedì lunedi
tuesday tue tues martes mardi dienstag martedì martedi
wednesday wed miércoles miercoles mercredi mittwoch mercoledì mercoledi
thursday thu thur thurs jueves jeudi donnerstag giovedì giovedi
friday fri viernes vendredi freitag venerdì venerdi
saturday sat sábado sabado samedi samstag sonnabend sabato
sunday sun domingo dimanche sonntag domenica`, "\n") {
		ws := strings.Fields(line)
		for _, w := range ws {
			m[w] = ws[0]
		}
	}
	return m
}()

// ambiguousDates are date words that are ordinary words unless written
// with a capital letter ("may", "march", "sun").
var ambiguousDates = map[string]bool{"may": true, "march": true, "mar": true, "sun": true, "sat": true, "wed": true,
	"mon": true, "jan": true, "dec": true, "oct": true, "aug": true, "sep": true, "jun": true, "jul": true,
	"apr": true, "feb": true, "nov": true, "tue": true, "thu": true, "fri": true, "mai": true, "mars": true}

// negationWords turn a statement into its opposite.
var negationWords = map[string]bool{"not": true, "no": true, "never": true, "nor": true, "neither": true,
	"none": true, "nobody": true, "nothing": true, "without": true, "cannot": true}

// titleWords are capitalized in titles ("Secretary of State", "Foreign
// Minister") but are not names: a claim may drop or add them.
var titleWords = map[string]bool{}

func init() {
	for _, w := range strings.Fields(`president presidential prime minister ministers secretary state foreign defense defence
national security adviser advisor spokesman spokeswoman spokesperson senator sen rep representative governor gov
mayor chief general gen director chairman chair ceo ambassador envoy special deputy vice king queen prince pope
judge justice department ministry office council committee city county police army navy court supreme federal
republican republicans democrat democrats democratic party mr mrs ms dr the a an in on of and or but for with
north south east west northern southern eastern western central new official officials leader leaders
minister's agency commission parliament senate congress administration government`) {
		titleWords[w] = true
	}
}

// fillerStems are words a model adds around a claim without stating a
// fact: "According to the article, …", "the snippet mentions …".
var fillerStems = func() map[string]bool {
	m := map[string]bool{}
	for _, w := range strings.Fields("according article articles snippet snippets source sources report reported reports say says said saying mention mentions mentioned note notes noted state states stated also however") {
		for _, t := range retrieval.Terms(w) {
			m[t] = true
		}
	}
	return m
}()

// nameRarity is how rare (retrieval.Rarity) a capitalized first word of a
// sentence must be to count as a name: "Lavrov said" and "Riyadh will",
// not "Officials said".
const nameRarity = 0.85

// tokenize reads text into canonical tokens.
func tokenize(text string) []token {
	text = retrieval.Normalize(text)
	var raw []string
	for _, w := range wordPattern.FindAllString(text, -1) {
		// "U.S.-Russian": the hyphen split the words already; dots and
		// possessives go.
		raw = append(raw, w)
	}
	toks := make([]token, 0, len(raw))
	for i := 0; i < len(raw); i++ {
		w := raw[i]
		first, _ := firstRune(w)
		t := token{capital: unicode.IsUpper(first), initial: len(toks) == 0}
		low := strings.ToLower(w)
		low = strings.TrimSuffix(low, ".")
		switch {
		case strings.HasSuffix(low, "'s"), strings.HasSuffix(low, "’s"):
			low = strings.TrimSuffix(strings.TrimSuffix(low, "'s"), "’s")
		case strings.HasSuffix(low, "n't"), strings.HasSuffix(low, "n’t"):
			base := strings.TrimSuffix(strings.TrimSuffix(low, "n't"), "n’t")
			if base == "wo" {
				base = "will"
			} else if base == "ca" {
				base = "can"
			}
			toks = append(toks, canonToken(base, t))
			t = token{}
			low = "not"
		case strings.HasSuffix(low, "'"), strings.HasSuffix(low, "’"):
			low = strings.TrimRight(low, "'’")
		}
		if decimalComma.MatchString(low) {
			low = strings.Replace(low, ",", ".", 1)
		} else if numeric(low) {
			low = strings.ReplaceAll(low, ",", "")
		} else {
			low = strings.ReplaceAll(low, ".", "")
		}
		// Two-word aliases: "United States".
		if i+1 < len(raw) {
			next := strings.ToLower(strings.TrimSuffix(raw[i+1], "."))
			if a, ok := aliases[low+" "+next]; ok {
				low = a
				i++
				if i+2 < len(raw) && strings.EqualFold(raw[i+1], "of") && strings.EqualFold(strings.TrimSuffix(raw[i+2], "."), "America") {
					i += 2
				}
			}
		}
		toks = append(toks, canonToken(low, t))
	}
	return toks
}

func canonToken(low string, t token) token {
	if a, ok := aliases[low]; ok {
		low = a
	} else if c, ok := demonyms[low]; ok && t.capital {
		low = c
	}
	switch {
	case numeric(low):
		t.kind = tokNumber
	case numberWords[low] != "":
		low, t.kind = numberWords[low], tokNumber
	case ordinal(low) != "":
		low, t.kind = ordinal(low), tokNumber
	case dateWords[low] != "" && (t.capital || !ambiguousDates[low]):
		low, t.kind = dateWords[low], tokDate
	}
	t.canon = low
	if t.kind == tokWord && low != "%" {
		if ts := retrieval.Terms(low); len(ts) > 0 {
			t.stem = ts[0]
		}
	}
	return t
}

func numeric(s string) bool {
	if s == "" {
		return false
	}
	digits := 0
	for _, r := range s {
		switch {
		case r >= '0' && r <= '9':
			digits++
		case r == '.' || r == ',':
		default:
			return false
		}
	}
	return digits > 0
}

// ordinal reads "1st", "22nd", "3rd", "4th" as their number.
func ordinal(s string) string {
	for _, suf := range []string{"st", "nd", "rd", "th"} {
		if n := strings.TrimSuffix(s, suf); n != s && n != "" {
			if _, err := strconv.Atoi(n); err == nil {
				return n
			}
		}
	}
	return ""
}

func firstRune(s string) (rune, bool) {
	for _, r := range s {
		return r, true
	}
	return 0, false
}

// factsOf reads the facts of a claim. Names are capitalized words other
// than titles, and a capitalized first word only when it is rare in
// English. For a claim in another language (foreign), since every German
// noun is capitalized, names are the capitalized words that known (the
// capitalized words of the snippets) holds, and a capitalized word right
// after one of them ("Port Elder" where the snippets say "Port Alder").
func factsOf(text string, foreign bool, known map[string]bool) facts {
	var f facts
	f.toks = tokenize(text)
	seen := map[string]bool{}
	lastName := -2
	add := func(list *[]string, v string) {
		if !seen[v] {
			seen[v] = true
			*list = append(*list, v)
		}
	}
	for i, t := range f.toks {
		switch {
		case t.kind == tokNumber || t.canon == "%":
			add(&f.numbers, t.canon)
			continue
		case t.kind == tokDate:
			add(&f.dates, t.canon)
			continue
		case negationWords[t.canon]:
			f.negAt = append(f.negAt, i)
			continue
		}
		if t.capital && (claimName(t, foreign, known) || foreign && lastName == i-1 && !t.initial && t.kind == tokWord) {
			add(&f.names, t.canon)
			if i > 0 && len(f.nameGroups) > 0 && lastName == i-1 {
				g := &f.nameGroups[len(f.nameGroups)-1]
				*g = append(*g, t.canon)
			} else {
				f.nameGroups = append(f.nameGroups, []string{t.canon})
			}
			lastName = i
		}
		if t.stem != "" && !fillerStems[t.stem] && !foreign && !ageWord(f.toks, i) {
			add(&f.content, t.stem)
		}
	}
	return f
}

func claimName(t token, foreign bool, known map[string]bool) bool {
	if titleWords[t.canon] || t.stem == "" && t.canon != "us" && t.canon != "uk" && t.canon != "eu" && t.canon != "un" {
		return false
	}
	if foreign {
		return nearIn(t.canon, known)
	}
	if t.initial {
		return t.stem != "" && retrieval.Rarity(t.stem) >= nameRarity
	}
	return true
}

// nearIn reports whether w, or a form of it ("Russian" for "Russia",
// "Ukrainian" for "Ukraine"), is in set.
func nearIn(w string, set map[string]bool) bool {
	if set[w] {
		return true
	}
	for s := range set {
		if sameWordFamily(w, s) {
			return true
		}
	}
	return false
}

// sameWordFamily reports whether two words share all but their endings:
// a common prefix of at least five letters that leaves at most one letter
// of the shorter word ("russia"/"russian", "ukraine"/"ukrainian"), never
// "rubio"/"rubin" or "austria"/"australia".
func sameWordFamily(x, y string) bool {
	n := 0
	for n < len(x) && n < len(y) && x[n] == y[n] {
		n++
	}
	return n >= 5 && n >= min(len(x), len(y))-1
}

// ageWord reports whether toks[i] is the "year" or "old" of an age ("a
// 27-year-old", "27 years old"): the number is the fact, the words are
// wording.
func ageWord(toks []token, i int) bool {
	switch toks[i].canon {
	case "year", "years":
		return i > 0 && toks[i-1].kind == tokNumber && i+1 < len(toks) && toks[i+1].canon == "old"
	case "old":
		return i > 1 && (toks[i-1].canon == "year" || toks[i-1].canon == "years") && toks[i-2].kind == tokNumber
	}
	return false
}

// paraphraseGroups are words news writing uses for one another, which the
// verifier lets stand for each other in a claim (on top of retrieval's
// thesaurus, which is tuned for search). One group a line.
const paraphraseGroups = `
expect anticipate predict forecast
twice double doubled
prepare ready
begin start launch
end finish conclude
buy purchase acquire
big large major
cost price spend bill
about roughly around approximately some nearly almost
show reveal indicate
rise increase grow climb
fall decrease drop decline
help assist aid
try attempt seek
need require
use employ
build construct
shut close
first opening initial inaugural
previous last former
attend visit visitor attendee
get receive obtain
`

var paraphrases = func() map[string][]string {
	m := map[string][]string{}
	for _, line := range strings.Split(paraphraseGroups, "\n") {
		var stems []string
		for _, w := range strings.Fields(line) {
			stems = append(stems, stemOf(w))
		}
		for _, a := range stems {
			for _, b := range stems {
				if a != b {
					m[a] = append(m[a], b)
				}
			}
		}
	}
	return m
}()
