package cognition

import (
	"context"
	"fmt"
	"hash/fnv"
	"math"
	"strings"
	"unicode"
)

// Embedder turns texts into unit vectors of a fixed dimension.
type Embedder interface {
	// Name identifies the embedder and its settings; a store built with one
	// name refuses vectors from another.
	Name() string
	Dim() int
	Embed(ctx context.Context, texts []string) ([][]float32, error)
}

// DefaultDim is the offline embedder's dimension.
const DefaultDim = 384

// Offline embeds without a model: a hashed bag of words, that is signed
// feature hashing of word stems and of character trigrams. It is not a
// semantic model: two texts are close when they share words or parts of
// words, never because they mean the same thing in other words. Stems and
// trigrams make "overlap", "overlapping" and "overlaps" close. It is
// deterministic and safe for concurrent use.
type Offline struct {
	dim int
}

// NewOffline returns the offline embedder with dim dimensions
// (DefaultDim when dim <= 0).
func NewOffline(dim int) Offline {
	if dim <= 0 {
		dim = DefaultDim
	}
	return Offline{dim: dim}
}

// Name implements Embedder.
func (o Offline) Name() string { return fmt.Sprintf("offline-hash-v1/%d", o.dim) }

// Dim implements Embedder.
func (o Offline) Dim() int { return o.dim }

// Embed implements Embedder.
func (o Offline) Embed(_ context.Context, texts []string) ([][]float32, error) {
	out := make([][]float32, len(texts))
	for i, t := range texts {
		out[i] = o.vector(t)
	}
	return out, nil
}

// Weights of the two feature families: a shared stem is strong evidence,
// a shared trigram weak.
const (
	stemWeight    = 1.0
	trigramWeight = 0.35
)

func (o Offline) vector(text string) []float32 {
	v := make([]float64, o.dim)
	add := func(feature string, w float64) {
		h := fnv.New64a()
		h.Write([]byte(feature))
		x := h.Sum64()
		if x>>63 == 1 {
			w = -w
		}
		v[(x&(1<<62-1))%uint64(o.dim)] += w
	}
	counts := map[string]int{}
	for _, w := range words(text) {
		if stopWords[w] {
			continue
		}
		counts[w]++
	}
	for w, n := range counts {
		// Sublinear term frequency: repeating a word helps a little.
		tf := 1 + math.Log(float64(n))
		add("w:"+stem(w), stemWeight*tf)
		padded := "^" + w + "$"
		r := []rune(padded)
		for j := 0; j+3 <= len(r); j++ {
			add("g:"+string(r[j:j+3]), trigramWeight*tf)
		}
	}
	var norm float64
	for _, x := range v {
		norm += x * x
	}
	out := make([]float32, o.dim)
	if norm == 0 {
		return out
	}
	norm = math.Sqrt(norm)
	for i, x := range v {
		out[i] = float32(x / norm)
	}
	return out
}

// words splits text into lowercase runs of letters and digits.
func words(text string) []string {
	return strings.FieldsFunc(strings.ToLower(text), func(r rune) bool {
		return !unicode.IsLetter(r) && !unicode.IsDigit(r)
	})
}

// stem strips a few English suffixes; crude, but enough to join the forms
// of one word for the offline embedder.
func stem(w string) string {
	for _, suf := range []string{"ations", "ation", "ings", "ing", "ies", "ied", "es", "ed", "ly", "s"} {
		if len(w) > len(suf)+2 && strings.HasSuffix(w, suf) {
			return w[:len(w)-len(suf)]
		}
	}
	return w
}

var stopWords = map[string]bool{}

func init() {
	for _, w := range strings.Fields(`a an and are as at be but by for from has have how if in into is it its
		of on or that the their then there these this to was were what when which while who why will with
		can do does not no so than too very we you our your i they them he she use used using`) {
		stopWords[w] = true
	}
}

// Cosine returns the cosine similarity of a and b, in [-1, 1], whatever
// their lengths as vectors. Vectors of different dimensions, or a zero
// vector, compare as 0. The vectors this package stores are unit vectors:
// it compares them with cosine, their dot product, which is the same
// similarity without the norms.
func Cosine(a, b []float32) float64 {
	if len(a) != len(b) {
		return 0
	}
	var dot, na, nb float64
	for i := range a {
		dot += float64(a[i]) * float64(b[i])
		na += float64(a[i]) * float64(a[i])
		nb += float64(b[i]) * float64(b[i])
	}
	if na == 0 || nb == 0 {
		return 0
	}
	return dot / math.Sqrt(na*nb)
}

// unitCosine is Cosine for two unit vectors: their dot product. Vectors of
// different dimensions compare as 0.
func unitCosine(a, b []float32) float64 {
	if len(a) != len(b) {
		return 0
	}
	return float64(dot(a, b))
}

func dot(a, b []float32) float32 {
	b = b[:len(a)]
	var s0, s1, s2, s3 float32
	i := 0
	for ; i+4 <= len(a); i += 4 {
		s0 += a[i] * b[i]
		s1 += a[i+1] * b[i+1]
		s2 += a[i+2] * b[i+2]
		s3 += a[i+3] * b[i+3]
	}
	for ; i < len(a); i++ {
		s0 += a[i] * b[i]
	}
	return s0 + s1 + s2 + s3
}

// unit scales v to length 1 in place (a zero vector stays zero).
func unit(v []float32) []float32 {
	var n float64
	for _, x := range v {
		n += float64(x) * float64(x)
	}
	if n == 0 {
		return v
	}
	s := float32(1 / math.Sqrt(n))
	for i := range v {
		v[i] *= s
	}
	return v
}

var _ Embedder = Offline{}
