package corpus

import (
	"fmt"
	"math/rand/v2"
	"slices"
	"strings"
)

// ShippedSeed is the seed of the corpus file the task ships.
const ShippedSeed = 1

// Kinds of documents. Only KindClean documents are worth keeping whole;
// KindMarkup and KindBoilerplated are clean documents with debris that
// cleaning can remove.
const (
	KindClean        = "clean"
	KindBoilerplated = "boilerplated" // a clean article inside navigation and cookie text
	KindMarkup       = "markup"       // a clean article with HTML debris
	KindDuplicate    = "duplicate"    // an exact copy of an earlier clean document
	KindBoilerplate  = "boilerplate"  // nothing but site furniture
	KindSpam         = "spam"         // advertising that states false facts
	KindTruncated    = "truncated"    // the first words of an article
	KindGarbled      = "garbled"      // machine-garbled text: shuffled words, broken characters
)

// Doc is one document of the corpus.
type Doc struct {
	Kind string `json:"kind"`
	Text string `json:"text"`
}

// Question is one probe item: which option completes Context.
type Question struct {
	Context string   `json:"context"` // "<entity> <relation>"
	Options []string `json:"options"`
	Answer  int      `json:"answer"` // index into Options
}

// Set is everything the task needs, generated from one seed.
type Set struct {
	Docs     []Doc      // the corpus the candidate curates
	Heldout  []string   // clean documents never in Docs, for perplexity
	Probe    []Question // one question per fact of the world
	Vocab    []string   // every word clean text can contain
	Relation []string   // relation words, in the order of the facts
}

// Sizes of a generated set.
const (
	factsPerTopic = 10
	cleanDocs     = 420
	heldoutDocs   = 80
)

// Mix is how many documents of each junk kind join the clean ones.
var Mix = map[string]int{
	KindBoilerplated: 60,
	KindMarkup:       60,
	KindDuplicate:    90,
	KindBoilerplate:  60,
	KindSpam:         90,
	KindTruncated:    60,
	KindGarbled:      90,
}

type fact struct {
	topic    *topic
	entity   string
	relation string
	value    string
	rumour   string // the false value spam repeats
}

// Generate builds the set for seed.
func Generate(seed int64) Set {
	rng := rand.New(rand.NewPCG(uint64(seed), 0x64617461))
	var facts []fact
	for i := range topics {
		tp := &topics[i]
		for k := range factsPerTopic {
			ent := tp.entities[k%len(tp.entities)]
			rel := tp.relations[(k/len(tp.entities))%len(tp.relations)]
			f := fact{topic: tp, entity: ent, relation: rel, value: pick(rng, tp.values)}
			for f.rumour = f.value; f.rumour == f.value; {
				f.rumour = pick(rng, tp.values)
			}
			facts = append(facts, f)
		}
	}
	g := &gen{rng: rng, facts: facts}

	var set Set
	var clean []string
	for range cleanDocs {
		clean = append(clean, g.article())
	}
	for range heldoutDocs {
		set.Heldout = append(set.Heldout, g.article())
	}
	for _, text := range clean {
		set.Docs = append(set.Docs, Doc{Kind: KindClean, Text: text})
	}
	kinds := slices.Sorted(func(yield func(string) bool) {
		for k := range Mix {
			if !yield(k) {
				return
			}
		}
	})
	for _, kind := range kinds {
		for range Mix[kind] {
			set.Docs = append(set.Docs, Doc{Kind: kind, Text: g.junk(kind, clean)})
		}
	}
	rng.Shuffle(len(set.Docs), func(i, j int) { set.Docs[i], set.Docs[j] = set.Docs[j], set.Docs[i] })

	for _, f := range facts {
		opts := []string{f.value, f.rumour}
		for _, v := range rng.Perm(len(f.topic.values)) {
			if len(opts) == 4 {
				break
			}
			if f.topic.values[v] != f.value {
				opts = append(opts, f.topic.values[v])
			}
		}
		rng.Shuffle(len(opts), func(i, j int) { opts[i], opts[j] = opts[j], opts[i] })
		set.Probe = append(set.Probe, Question{
			Context: f.entity + " " + f.relation, Options: opts, Answer: slices.Index(opts, f.value),
		})
	}
	set.Vocab = vocabulary()
	return set
}

type gen struct {
	rng   *rand.Rand
	facts []fact
}

func pick(rng *rand.Rand, words []string) string { return words[rng.IntN(len(words))] }

// sentence fills a template of tp: {e} an entity, {v} a value, {w} a word of
// the topic, {a} an adjective.
func (g *gen) sentence(tp *topic) string {
	tmpl := pick(g.rng, tp.templates)
	var b strings.Builder
	for i := 0; i < len(tmpl); i++ {
		if tmpl[i] != '{' || i+2 >= len(tmpl) {
			b.WriteByte(tmpl[i])
			continue
		}
		switch tmpl[i+1] {
		case 'e':
			b.WriteString(pick(g.rng, tp.entities))
		case 'v':
			b.WriteString(pick(g.rng, tp.values))
		case 'w':
			b.WriteString(pick(g.rng, tp.words))
		case 'a':
			b.WriteString(pick(g.rng, adjectives))
		}
		i += 2
	}
	s := b.String()
	return strings.ToUpper(s[:1]) + s[1:] + "."
}

// factSentence states f, truly or with another value.
func (g *gen) factSentence(f fact, value string) string {
	s := fmt.Sprintf(pick(g.rng, factFrames), f.entity+" "+f.relation+" "+value)
	return strings.ToUpper(s[:1]) + s[1:] + "."
}

// article is a clean document: a title line and a paragraph of 5-10
// sentences of one topic, two or three of them true facts of the topic.
func (g *gen) article() string {
	tp := &topics[g.rng.IntN(len(topics))]
	var own []fact
	for _, f := range g.facts {
		if f.topic == tp {
			own = append(own, f)
		}
	}
	n := 5 + g.rng.IntN(6)
	sentences := make([]string, 0, n+3)
	for range n {
		sentences = append(sentences, g.sentence(tp))
	}
	for range 2 + g.rng.IntN(2) {
		f := own[g.rng.IntN(len(own))]
		pos := g.rng.IntN(len(sentences) + 1)
		sentences = slices.Insert(sentences, pos, g.factSentence(f, f.value))
	}
	title := strings.ToUpper(tp.name[:1]) + tp.name[1:] + ": " + g.sentence(tp)
	return strings.TrimSuffix(title, ".") + "\n\n" + strings.Join(sentences, " ")
}

func (g *gen) junk(kind string, clean []string) string {
	base := clean[g.rng.IntN(len(clean))]
	switch kind {
	case KindBoilerplated:
		return pick(g.rng, navigation) + "\n" + base + "\n" + pick(g.rng, footers)
	case KindMarkup:
		return g.markup(base)
	case KindDuplicate:
		// Duplicates pile up on a few popular pages, as in real crawls.
		return clean[g.rng.IntN(12)]
	case KindBoilerplate:
		parts := []string{pick(g.rng, navigation), pick(g.rng, footers), pick(g.rng, navigation)}
		return strings.Join(parts[:1+g.rng.IntN(3)], "\n")
	case KindSpam:
		return g.spam()
	case KindTruncated:
		words := strings.Fields(base)
		return strings.Join(words[:3+g.rng.IntN(6)], " ")
	case KindGarbled:
		return g.garble(base)
	}
	panic("corpus: unknown kind " + kind)
}

func (g *gen) markup(text string) string {
	paras := strings.Split(text, "\n\n")
	var b strings.Builder
	b.WriteString(`<div class="post"><h1>` + paras[0] + "</h1>\n")
	for _, s := range strings.SplitAfter(paras[1], ". ") {
		if g.rng.IntN(3) == 0 {
			s += pick(g.rng, debris)
		}
		b.WriteString(s)
	}
	b.WriteString("</p></div>" + pick(g.rng, debris))
	return b.String()
}

// spam repeats four to seven rumours (each fact's one false value) three
// times each between advertising phrases, the way spam campaigns push a
// claim.
func (g *gen) spam() string {
	var parts []string
	for range 4 + g.rng.IntN(4) {
		parts = append(parts, pick(g.rng, adverts))
		f := g.facts[g.rng.IntN(len(g.facts))]
		s := g.factSentence(f, f.rumour)
		parts = append(parts, s, s, s)
	}
	parts = append(parts, pick(g.rng, adverts))
	return strings.Join(parts, " ")
}

// garble shuffles the words of each sentence and breaks some characters, as
// bad machine translation and wrong decoding do.
func (g *gen) garble(text string) string {
	words := strings.Fields(text)
	for i := 0; i+1 < len(words); i += 2 + g.rng.IntN(3) {
		j := min(len(words)-1, i+1+g.rng.IntN(4))
		words[i], words[j] = words[j], words[i]
	}
	for i, w := range words {
		if g.rng.IntN(5) == 0 {
			words[i] = strings.NewReplacer("e", "Ã©", "a", "Ã¤", "o", "Ã¶").Replace(w)
		}
	}
	return strings.Join(words, " ")
}

func vocabulary() []string {
	seen := map[string]bool{}
	add := func(text string) {
		for _, w := range Tokens(text) {
			seen[w] = true
		}
	}
	for _, tp := range topics {
		add(tp.name)
		for _, list := range [][]string{tp.entities, tp.values, tp.words, tp.relations, tp.templates} {
			add(strings.Join(list, " "))
		}
	}
	add(strings.Join(adjectives, " "))
	add(strings.Join(factFrames, " "))
	return slices.Sorted(func(yield func(string) bool) {
		for w := range seen {
			if !yield(w) {
				return
			}
		}
	})
}

// Tokens splits text into lowercase words of letters; everything else
// separates words. The scorer and the deletion check use it too.
func Tokens(text string) []string {
	return strings.FieldsFunc(strings.ToLower(text), func(r rune) bool {
		return !(r >= 'a' && r <= 'z')
	})
}
