package answer

import (
	"regexp"
	"strings"
	"sync"
	"unicode"

	"github.com/biter777/countries"
)

// Places. A question that puts a talk in Moscow, or a trip in Egypt, when
// the story puts it in Kyiv or Saudi Arabia, must be refused; a question
// that says "Britain" of a story that says "the U.K." must not be. Which
// words name a country, under which of its names, and which city is a
// capital, is looked up in github.com/biter777/countries (ISO 3166-1, with
// the common other names of each country) rather than kept here.

// placeKey returns what name names when it is a place: "country:" and the
// ISO 3166-1 alpha-3 code for a country under any of its names ("Britain",
// "U.K." and "United Kingdom" are one), "capital:" and the city's name for
// a capital city (a capital is not its country: "arrive in Moscow" is not
// said by "arrive in Kyiv" in a sentence naming Russia), or "" for anything
// else. Codes of three letters or fewer count only written in capitals or
// with periods ("US", "U.K."): "us", "at" and "an" are words.
func placeKey(name string) string {
	letters := strings.Map(func(r rune) rune {
		if unicode.IsLetter(r) {
			return unicode.ToUpper(r)
		}
		if r == ' ' {
			return r
		}
		return -1
	}, name)
	letters = strings.Join(strings.Fields(letters), " ")
	if letters == "" {
		return ""
	}
	if len(letters) <= 3 && name != strings.ToUpper(name) {
		return ""
	}
	if c, ok := capitalCities()[letters]; ok {
		return "capital:" + c.name
	}
	if c := countries.ByName(letters); c.IsValid() && realCountries()[c] {
		return "country:" + c.Alpha3()
	}
	return ""
}

// realCountries are the countries of ISO 3166-1 (countries.All): the
// library also names telephone services ("Disaster Relief", calling code
// +888), which are no place.
var realCountries = sync.OnceValue(func() map[countries.CountryCode]bool {
	m := map[countries.CountryCode]bool{}
	for _, c := range countries.All() {
		m[c] = true
	}
	return m
})

// capital is a capital city: its name and its country's ISO 3166-1
// alpha-3 code.
type capital struct{ name, country string }

// capitalCities maps the upper-case name of each capital city to it.
var capitalCities = sync.OnceValue(func() map[string]capital {
	m := map[string]capital{}
	for _, c := range countries.AllCapitals() {
		name := c.String()
		if len(name) >= 4 {
			m[strings.ToUpper(name)] = capital{name, c.Country().Alpha3()}
		}
	}
	return m
})

// locative is the word before a place that makes it where something is or
// goes ("in Moscow", "to Kyiv"); elsewhere a capital often stands for its
// government ("Washington wants", "represents Moscow").
var locative = regexp.MustCompile(`(?i)\b(in|to|at|from|into|near|outside|inside|toward|towards|through|via|visit|visits|visiting|visited)\s+$`)

// placeKeyIn returns placeKey(name) for the name as question q uses it: a
// capital not after a locative word is read as its country.
func placeKeyIn(q, name string) string {
	k := placeKey(name)
	kind, city, _ := strings.Cut(k, ":")
	if kind != "capital" {
		return k
	}
	i := strings.Index(q, name)
	if i < 0 || locative.MatchString(q[:i]) {
		return k
	}
	return "country:" + capitalCities()[strings.ToUpper(city)].country
}

// placeWord is a word of a place's name: a capital letter, then letters,
// periods, apostrophes or hyphens ("U.K.", "Côte").
var placeWord = regexp.MustCompile(`\p{Lu}[\p{L}.'’-]*`)

// placesIn returns the places that text names with capitals (placeKey),
// trying runs of three, two and one adjacent words at each position,
// longest first ("Saudi Arabia", "New Zealand").
func placesIn(text string) map[string]bool {
	out := map[string]bool{}
	locs := placeWord.FindAllStringIndex(text, -1)
	for i := 0; i < len(locs); {
		n := 1
		for size := min(3, len(locs)-i); size >= 1; size-- {
			if !adjacent(text, locs[i:i+size]) {
				continue
			}
			if k := placeKey(trimPossessive(text[locs[i][0]:locs[i+size-1][1]])); k != "" {
				out[k] = true
				n = size
				break
			}
		}
		i += n
	}
	return out
}

// adjacent reports whether the words at locs are separated by single
// spaces only.
func adjacent(text string, locs [][]int) bool {
	for j := 1; j < len(locs); j++ {
		if text[locs[j-1][1]:locs[j][0]] != " " {
			return false
		}
	}
	return true
}

// trimPossessive drops a possessive ending ("Moscow's", "Moscow’s").
func trimPossessive(w string) string {
	for _, suf := range []string{"'s", "’s", "'", "’"} {
		w = strings.TrimSuffix(w, suf)
	}
	return w
}

// placeName returns the name of the place key stands for: the capital's
// name, or the country's as the countries package writes it.
func placeName(key string) string {
	kind, v, _ := strings.Cut(key, ":")
	if kind == "country" {
		return countries.ByName(v).String()
	}
	return v
}
