package sampling

import (
	"math"
	"math/rand/v2"
)

// islandSampler splits the population into islands that evolve apart and
// exchange their best nodes in a ring.
//
//   - A valid node joins island Island mod K (K = Options.Islands).
//   - Sample visits the islands in turn: it starts at island V mod K, V
//     being the number of visits counted so far (children added plus
//     samples in flight), skips islands with no valid node, and picks the
//     parent by UCB1 among that island's nodes (a migrant's visits count
//     its children on every island); the context is the parent
//     and the island's best other nodes. Every node returned has Island set
//     to the island it was drawn from, migrants included, so that
//     Island(parent) keeps the child on that island.
//   - Every MigrationInterval added nodes (valid or not), each island's best
//     floor(MigrationRate * size) nodes, at least one, are copied by
//     reference to the next island, i -> i+1 mod K; a node already there is
//     not copied twice. Migrants keep their own Island field.
//   - Each island keeps at most IslandCapacity nodes, the best ones.
type islandSampler struct {
	pop     population
	islands []island
	opt     Options
	added   int
	roots   rootDealer
}

// island is one island's sampling index: nodes best first, capped.
type island struct {
	members ranking
	in      map[int64]bool
}

func newIsland(opt Options) *islandSampler {
	s := &islandSampler{pop: newPopulation(), opt: opt, islands: make([]island, opt.Islands)}
	for i := range s.islands {
		s.islands[i].in = map[int64]bool{}
	}
	return s
}

func (*islandSampler) Name() string { return "island" }

func (s *islandSampler) Add(n Node) {
	e := s.pop.add(n)
	if e == nil {
		return
	}
	s.added++
	s.roots.added(n)
	if n.Valid {
		s.islands[s.wrap(n.Island)].insert(e)
	}
	if s.added%s.opt.MigrationInterval == 0 {
		s.migrate()
	}
}

// migrate copies each island's best share to the next island. The shares
// are taken before any copy, so a node moves one step per migration.
func (s *islandSampler) migrate() {
	k := len(s.islands)
	if k < 2 {
		return
	}
	moving := make([]ranking, k)
	for i, isl := range s.islands {
		if len(isl.members) == 0 {
			continue
		}
		m := max(1, int(math.Floor(s.opt.MigrationRate*float64(len(isl.members)))))
		moving[i] = append(ranking(nil), isl.members[:m]...)
	}
	for i, r := range moving {
		for _, e := range r {
			s.islands[(i+1)%k].insert(e)
		}
	}
}

func (isl *island) insert(e *entry) {
	if isl.in[e.node.ID] {
		return
	}
	isl.members.insert(e)
	isl.in[e.node.ID] = true
	if len(isl.members) > IslandCapacity {
		last := isl.members[len(isl.members)-1]
		delete(isl.in, last.node.ID)
		isl.members = isl.members[:len(isl.members)-1]
	}
}

func (s *islandSampler) Sample(_ *rand.Rand, n int) []Node {
	k := len(s.islands)
	start := s.pop.visits % k
	for off := range k {
		i := (start + off) % k
		members := s.islands[i].members
		if len(members) == 0 {
			continue
		}
		parent := ucbPick(members, s.opt.Exploration)
		s.pop.sampled(parent)
		out := contextAfter(members, parent, max(n, 1))
		for j := range out {
			out[j].Island = i
		}
		return out
	}
	return nil
}

// Island returns the island of a child of parent: parent.Island mod K. For
// the zero Node, which stands for "no parent", it deals islands round robin
// (see rootDealer).
func (s *islandSampler) Island(parent Node) int {
	if isNoParent(parent) {
		return s.roots.deal(len(s.islands))
	}
	return s.wrap(parent.Island)
}

// rootDealer deals islands round robin to nodes without a parent: the
// answer is (R + P) mod K where R counts the parentless nodes added so far
// and P the earlier answers whose node is not added yet; dealing adds one
// to P, and adding a parentless node moves one from P to R. A resumed
// sampler, given the same nodes, deals on from where the first one
// stopped.
type rootDealer struct{ roots, pending int }

func (d *rootDealer) added(n Node) {
	if len(n.Parents) == 0 {
		d.roots++
		d.pending = max(d.pending-1, 0)
	}
}

func (d *rootDealer) deal(k int) int {
	i := (d.roots + d.pending) % k
	d.pending++
	return i
}

// isNoParent reports whether n is the zero Node; nil and empty slices
// count alike.
func isNoParent(n Node) bool {
	return n.ID == 0 && len(n.Parents) == 0 && n.Score == 0 && !n.Valid && n.Island == 0 && len(n.Features) == 0
}

// wrap maps any island number into [0, K).
func (s *islandSampler) wrap(i int) int {
	k := len(s.islands)
	return ((i % k) + k) % k
}

var _ Sampler = (*islandSampler)(nil)
