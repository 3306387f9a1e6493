package retrieval

import (
	"slices"
	"strings"
)

// synonymGroups is a small hand-made thesaurus of words that news
// questions and news articles use for the same thing. The local embedder
// and BM25 are lexical: without it "Who will represent Russia?" cannot find
// "the Russian delegation". Each line is one group; matching through a
// group counts less than matching the word itself.
const synonymGroups = `
represent representative rep reps delegation delegate envoy emissary diplomat ambassador minister
die death dead deaths killed kill casualty casualties fatality fatalities
win won victory victor champion winner
leader president premier chancellor
invade invasion incursion offensive
travel trip visit journey fly
agreement deal accord pact treaty
weapon weapons arms munitions
spokesman spokeswoman spokesperson mouthpiece
adviser advisor aide counselor
ally allies partner partners backer backers supporter supporters
sanction sanctions embargo
ceasefire truce armistice
election vote ballot poll
reject refuse decline dismiss dismissive rebuff
begin start launch commence
end finish conclude halt
buy purchase acquire
money funding funds financing
help aid assistance support
talks negotiations negotiate discuss discussion discussions
meet meeting summit
goal aim objective purpose focus
territory land
country nation
military army troops forces soldiers
television tv broadcast program programme show channel
phone telephone call ring rang dial
cost price
fired dismissed ousted sacked
attack strike assault
guarantee guarantees assurance assurances
member membership join
relations ties relationship
reporter reporters journalist journalists press correspondent
spy spies spymaster spymasters intelligence espionage
defense defence pentagon
kremlin moscow
kyiv kiev
riyadh saudi
meet meeting talk sit
conversation chat chatted talk talked
scheduled schedule slated planned set
mainly primarily chiefly mostly principally
achieve accomplish result results outcome
without absence absent lacking
react reaction respond response responded
participate participation involved involvement role
predecessor previous former prior
concern concerns concerned worry worried anxious fear fears
emergency urgent crisis
convene convened summon summoned
succeed succeeded successor follow followed replace replaced
shut closure shutdown
found founded founder establish established
marry married marriage wed wedded wedding
tallest highest loftiest
biggest largest
first inaugural maiden
parade procession
street lane road avenue
investigation inquiry probe
home homes house houses dwelling dwellings
vehicle vehicles car cars
lawyer lawyers attorney attorneys counsel solicitor solicitors barrister barristers
rise rose risen crest crested peak peaked climb climbed
worth value valued valuation
wage wages salary salaries
hire hired hiring recruit recruited
worker workers employee employees staff staffer staffers labourer labourers laborer laborers
company firm corporation
coach coaches coached manager managers
facility facilities plant plants factory factories
judge justice magistrate
police officers detectives investigators
injure injured hurt wounded
arrest arrested detain detained
sentenced jailed imprisoned
resign resigned quit
damage damaged destroy destroyed
fire blaze flames
evacuate evacuated evacuation
increase increased boost boosted hike raise raised
reduce reduced cut slash slashed
approve approved endorse endorsed ratify ratified
ban banned prohibit prohibited
law legislation statute
ruling verdict judgment judgement
residents inhabitants
children kids
students pupils
protest protests protesters demonstration demonstrations demonstrators rally
walkout stoppage
missing disappeared vanished
build built construct constructed
lawsuit suit litigation
stock stocks shares
push pushing pushed urge urging urged lobby lobbying lobbied
drop dropped fall fell fallen plunge plunged slump slumped
deficit shortfall
`

// synonyms maps a stem to the stems of its group.
var synonyms = func() map[string][]string {
	m := map[string][]string{}
	for _, line := range strings.Split(synonymGroups, "\n") {
		var stems []string
		seen := map[string]bool{}
		for _, w := range strings.Fields(line) {
			s := stem(strings.ToLower(w))
			if !seen[s] {
				seen[s] = true
				stems = append(stems, s)
			}
		}
		for _, s := range stems {
			for _, o := range stems {
				if o != s && !slices.Contains(m[s], o) {
					m[s] = append(m[s], o)
				}
			}
		}
	}
	return m
}()

// Synonyms returns the stems that the thesaurus groups with stem.
func Synonyms(stem string) []string { return synonyms[stem] }

// kindGroups lists, for a word that names a kind, words for things of that
// kind: a question asking how many vessels is answered by "412 ships".
// The relation goes one way: a ship is a vessel, a vessel need not be a
// ship, and a ship is no ferry (they are not synonyms). Each line is the
// kind, then its members. A kind whose stem other words share is left
// out: "relative" stems as "relations" does.
const kindGroups = `
vessel ship boat steamer schooner ferry liner yacht barge trawler frigate
expedition journey voyage trip trek
`

// hyponyms maps the stem of a kind to the stems of its members.
var hyponyms = func() map[string][]string {
	m := map[string][]string{}
	for _, line := range strings.Split(kindGroups, "\n") {
		f := strings.Fields(line)
		if len(f) < 2 {
			continue
		}
		k := stem(f[0])
		for _, w := range f[1:] {
			if s := stem(w); !slices.Contains(m[k], s) {
				m[k] = append(m[k], s)
			}
		}
	}
	return m
}()

// Hyponyms returns the stems of words for things of the kind stem names
// (kindGroups): "relative" gives "uncl", "aunt", ….
func Hyponyms(stem string) []string { return hyponyms[stem] }
