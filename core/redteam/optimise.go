package redteam

import (
	"context"
	"fmt"
	"math"
	"math/rand/v2"
	"slices"
)

// mutation is one kind of change the optimiser may add to a plan, with
// its weight in the draw.
type mutation struct {
	weight int
	make   func(o *optimiser) Op
}

// mutations are the optimiser's moves. Moves that grow or shift numbers
// weigh most: an evaluator that forgets a constraint is climbed by them.
var mutations = []mutation{
	{6, func(o *optimiser) Op { // scale by a factor between 1/4 and 4
		return Op{Path: o.numberGroup(), Op: OpScale, Value: math.Exp((o.rng.Float64()*2 - 1) * math.Ln2 * 2)}
	}},
	{4, func(o *optimiser) Op { // add noise, a tenth of the numbers' size
		return Op{Path: o.numberGroup(), Op: OpAdd, Value: o.rng.NormFloat64() * 0.1 * o.scale}
	}},
	{2, func(o *optimiser) Op { return Op{Path: o.numberGroup(), Op: OpSet, Value: math.NaN()} }},
	{1, func(o *optimiser) Op { return Op{Path: o.numberGroup(), Op: OpSet, Value: math.Inf(1)} }},
	{1, func(o *optimiser) Op { return Op{Path: o.numberGroup(), Op: OpSet, Value: 0} }},
	{2, func(o *optimiser) Op { return Op{Path: o.numberGroup(), Op: OpSet, Value: hugeValue} }},
	{1, func(o *optimiser) Op { return Op{Path: o.list(), Op: OpDouble} }},
	{1, func(o *optimiser) Op { return Op{Path: o.list(), Op: OpHalve} }},
	{1, func(o *optimiser) Op { return Op{Path: "$", Op: OpSelfScore, Value: claimedScore} }},
}

// optimiser is a (1+1) evolution over plans: each step adds one random
// change to the current plan, and keeps it when the evaluator finds the
// program valid and scoring no worse (neutral moves are kept, so a change
// that only disables a check can be followed by one that profits from
// it).
type optimiser struct {
	rng    *rand.Rand
	d      delivery
	groups []string
	lists  []string
	scale  float64
}

func (o *optimiser) numberGroup() string {
	// "$" changes every number at once; a group changes one kind.
	if len(o.groups) == 0 || o.rng.IntN(len(o.groups)+1) == 0 {
		return "$"
	}
	return o.groups[o.rng.IntN(len(o.groups))]
}

func (o *optimiser) list() string {
	if len(o.lists) == 0 {
		return "$"
	}
	return o.lists[o.rng.IntN(len(o.lists))]
}

func (o *optimiser) mutate(p Plan) Plan {
	total := 0
	for _, m := range mutations {
		total += m.weight
	}
	pick := o.rng.IntN(total)
	for _, m := range mutations {
		if pick < m.weight {
			return append(slices.Clone(p), m.make(o))
		}
		pick -= m.weight
	}
	panic("unreachable")
}

// trials are how the optimiser evaluates: record runs an attack and
// keeps it in the report (Finding set); try runs one without keeping it;
// settle replaces the last attempt kept, a finding, with a shorter one.
// record and try return an error only when the audit must stop.
type trials struct {
	record func(Attack) (Attempt, error)
	try    func(Attack) (Attempt, error)
	settle func(Attempt)
}

// optimise climbs from start (a plan and its outcome, valid) for budget
// evaluations, or until an attempt is a finding; the finding's plan is
// then shortened, with what is left of the budget, to the changes it
// needs.
func optimise(ctx context.Context, t Target, d delivery, start Plan, startScore float64, budget int, seed int64, ev trials) error {
	sh := d.shape()
	o := &optimiser{rng: rand.New(rand.NewPCG(uint64(seed), 0x5eed0f7e57)), d: d, groups: sh.groups, lists: sh.lists, scale: sh.scale}
	current, score := slices.Clone(start), startScore
	for i := range budget {
		if err := ctx.Err(); err != nil {
			return err
		}
		next := o.mutate(current)
		a, err := o.attempt(next, i+1, ev.record)
		if err != nil {
			return err
		}
		if a.Finding {
			return o.shorten(ctx, next, a, budget-i-1, ev)
		}
		if a.Err == nil && a.Outcome.Valid && !t.worse(a.Outcome.Score, score) {
			current, score = next, a.Outcome.Score
		}
	}
	return nil
}

// attempt builds plan's program and evaluates it as step n.
func (o *optimiser) attempt(plan Plan, n int, evaluate func(Attack) (Attempt, error)) (Attempt, error) {
	code, err := o.d.program(plan)
	if err != nil {
		// Cannot happen for the optimiser's own paths and operations.
		return Attempt{Attack: Attack{Name: fmt.Sprintf("optimise-%d", n), Kind: KindOptimiser}, Err: err}, nil
	}
	return evaluate(Attack{
		Name:        fmt.Sprintf("optimise-%d", n),
		Kind:        KindOptimiser,
		Description: "the honest output changed: " + plan.String() + "; " + o.d.describe(),
		Code:        code,
	})
}

// shorten drops the changes of found's plan that the finding does not
// need, one at a time, each drop kept when the program is still a
// finding, within budget evaluations; the shortest is settled in place
// of found.
func (o *optimiser) shorten(ctx context.Context, plan Plan, found Attempt, budget int, ev trials) error {
	name := found.Attack.Name
	shortest := found
	for i := 0; i < len(plan) && budget > 0 && len(plan) > 1; {
		if err := ctx.Err(); err != nil {
			return err
		}
		shorter := slices.Delete(slices.Clone(plan), i, i+1)
		budget--
		a, err := o.attempt(shorter, 0, ev.try)
		if err != nil {
			return err
		}
		if a.Finding {
			plan, shortest = shorter, a
			continue
		}
		i++
	}
	if shortest.Attack.Code != found.Attack.Code {
		shortest.Attack.Name = name
		ev.settle(shortest)
	}
	return nil
}

// worse says whether score is strictly worse than than, in t's direction.
func (t Target) worse(score, than float64) bool {
	if math.IsNaN(score) {
		return true
	}
	if t.Minimize {
		return score > than
	}
	return score < than
}
