package dashboard

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"sort"
	"strings"
	"time"

	"github.com/asi-evolve/asi/core/report"
	"github.com/asi-evolve/asi/core/store"
)

// noteKind is the event kind of a note left on a node from the dashboard.
const noteKind = "note"

// maxNote is the longest note accepted, in bytes.
const maxNote = 4 << 10

type nodeJSON struct {
	ID       int64     `json:"id"`
	Step     int64     `json:"step"`
	Parents  []int64   `json:"parents"`
	Name     string    `json:"name"`
	Score    *float64  `json:"score"` // null when the node failed
	Valid    bool      `json:"valid"`
	Error    string    `json:"error,omitempty"` // first line
	Island   int       `json:"island"`
	Features []float64 `json:"features"`
	EvalMS   int64     `json:"eval_ms"`
	Created  time.Time `json:"created"`
}

func toNode(n store.Node) nodeJSON {
	j := nodeJSON{
		ID: n.ID, Step: n.Step, Parents: n.Parents, Name: n.Name, Valid: n.Valid, Error: report.FirstLine(n.Error),
		Island: n.Island, Features: n.Features, EvalMS: n.EvalTime.Milliseconds(), Created: n.CreatedAt,
	}
	if j.Parents == nil {
		j.Parents = []int64{}
	}
	if n.Valid {
		score := n.Score
		j.Score = &score
	}
	return j
}

type summaryJSON struct {
	Name             string    `json:"name"`
	Task             string    `json:"task"`
	Primary          string    `json:"primary"`
	Direction        string    `json:"direction"`
	Budget           int       `json:"budget"`
	Features         []string  `json:"features"`
	Done             int       `json:"done"`
	Failures         int       `json:"failures"`
	InfraFailures    int       `json:"infra_failures"` // evaluations that could not run
	Running          int       `json:"running"`
	Calls            int       `json:"llm_calls"`
	PromptTokens     int64     `json:"prompt_tokens"`
	CompletionTokens int64     `json:"completion_tokens"`
	CostUSD          float64   `json:"cost_usd"`
	OfflineRoles     []string  `json:"offline_roles"`   // roles that ran with no model
	OfflineAnswers   int       `json:"offline_answers"` // their answers: not LLM calls, no tokens
	Best             *nodeJSON `json:"best"`
	Initial          *nodeJSON `json:"initial"`
	Updated          time.Time `json:"updated"`
}

func summarize(name string, c *report.Campaign) summaryJSON {
	s := summaryJSON{
		Name: name, Task: c.Task, Primary: c.Primary, Direction: c.Direction, Budget: c.Budget, Features: c.Features,
		Done: c.Done(), Failures: c.FailureCount(), InfraFailures: c.InfraFailureCount(), Running: c.Steps.Running,
		Calls: c.Usage.Calls, PromptTokens: c.Usage.PromptTokens, CompletionTokens: c.Usage.CompletionTokens,
		CostUSD: c.Usage.CostUSD, OfflineRoles: c.Offline, OfflineAnswers: c.Usage.Offline,
	}
	if s.OfflineRoles == nil {
		s.OfflineRoles = []string{}
	}
	if s.Direction == "" {
		s.Direction = "maximize"
	}
	if b, ok := c.Best(); ok {
		j := toNode(b)
		s.Best = &j
	}
	if ini, ok := c.Initial(); ok {
		j := toNode(ini)
		s.Initial = &j
	}
	if n := len(c.Nodes); n > 0 {
		s.Updated = c.Nodes[n-1].CreatedAt
	}
	return s
}

type eventJSON struct {
	Step    int64     `json:"step"`
	Node    int64     `json:"node"`
	Kind    string    `json:"kind"`
	Message string    `json:"message"`
	Time    time.Time `json:"time"`
}

func toEvents(events []store.Event) []eventJSON {
	out := make([]eventJSON, 0, len(events))
	for _, e := range events {
		out = append(out, eventJSON{Step: e.Step, Node: e.NodeID, Kind: e.Kind, Message: e.Message, Time: e.Time})
	}
	return out
}

type reasonJSON struct {
	Reason  string `json:"reason"`
	Count   int    `json:"count"`
	Example int64  `json:"example"`
}

type campaignJSON struct {
	Summary  summaryJSON  `json:"summary"`
	Nodes    []nodeJSON   `json:"nodes"`
	Events   []eventJSON  `json:"events"`
	Failures []reasonJSON `json:"failures"`
	Writable bool         `json:"writable"`
	// Front is the Pareto front; absent when the campaign has no objectives.
	Front *frontJSON `json:"front,omitempty"`
	// Audit lists the nodes the audit flagged; absent when none was audited.
	Audit *auditJSON `json:"audit,omitempty"`
	// Redteam is what the red team found, without the programs; absent
	// when it never ran.
	Redteam *redteamJSON `json:"redteam,omitempty"`
}

func (s *Server) info(w http.ResponseWriter, r *http.Request) {
	s.writeJSON(w, http.StatusOK, map[string]any{"writable": s.cfg.Token != ""})
}

func (s *Server) listCampaigns(w http.ResponseWriter, r *http.Request) {
	out := []summaryJSON{}
	for _, ref := range s.campaignRefs() {
		st, err := s.openDir(r.Context(), ref.Dir)
		if err != nil {
			out = append(out, summaryJSON{Name: ref.Name, Task: "unreadable: " + err.Error()})
			continue
		}
		c, err := report.Load(r.Context(), st)
		if err != nil {
			out = append(out, summaryJSON{Name: ref.Name, Task: "unreadable: " + err.Error()})
			continue
		}
		out = append(out, summarize(ref.Name, c))
	}
	s.writeJSON(w, http.StatusOK, out)
}

// load reads the campaign named in the request path.
func (s *Server) load(ctx context.Context, name string) (*store.Store, *report.Campaign, error) {
	st, err := s.open(ctx, name)
	if err != nil {
		return nil, nil, err
	}
	c, err := report.Load(ctx, st)
	return st, c, err
}

// campaignView is a campaign's live view: its summary, the nodes stored
// after node after, its recent events and its failure reasons.
func (s *Server) campaignView(name string, c *report.Campaign, after int64) campaignJSON {
	v := campaignJSON{Summary: summarize(name, c), Nodes: []nodeJSON{}, Events: toEvents(c.Events), Failures: []reasonJSON{},
		Writable: s.cfg.Token != ""}
	v.Front = frontOf(c)
	v.Audit = auditOf(c)
	v.Redteam = redteamOf(c, false)
	for _, n := range c.Nodes {
		if n.ID > after {
			v.Nodes = append(v.Nodes, toNode(n))
		}
	}
	for _, f := range c.Failures() {
		v.Failures = append(v.Failures, reasonJSON{Reason: f.Reason, Count: f.Count, Example: f.Example.ID})
	}
	return v
}

func (s *Server) campaign(w http.ResponseWriter, r *http.Request) {
	name := r.PathValue("name")
	_, c, err := s.load(r.Context(), name)
	if err != nil {
		s.failFor(w, err)
		return
	}
	s.writeJSON(w, http.StatusOK, s.campaignView(name, c, 0))
}

// stream sends Server-Sent Events: an "update" with the summary and the
// nodes stored since the last one, whenever the store changed.
func (s *Server) stream(w http.ResponseWriter, r *http.Request) {
	name := r.PathValue("name")
	flusher, ok := w.(http.Flusher)
	if !ok {
		s.fail(w, http.StatusInternalServerError, errors.New("streaming unsupported"))
		return
	}
	if _, err := s.open(r.Context(), name); err != nil {
		s.failFor(w, err)
		return
	}
	w.Header().Set("Content-Type", "text/event-stream")
	w.Header().Set("Cache-Control", "no-store")
	w.WriteHeader(http.StatusOK)
	flusher.Flush()
	var after int64
	fmt.Sscan(r.URL.Query().Get("after"), &after)
	last := ""
	tick := time.NewTicker(s.cfg.Poll)
	defer tick.Stop()
	for {
		// Two cheap queries decide whether anything changed; only then is
		// the whole campaign read.
		st, err := s.open(r.Context(), name)
		var mark string
		if err == nil {
			mark, err = changeMark(r.Context(), st)
		}
		if err == nil && mark != last {
			var c *report.Campaign
			if c, err = report.Load(r.Context(), st); err == nil {
				body, _ := json.Marshal(s.campaignView(name, c, after))
				fmt.Fprintf(w, "event: update\ndata: %s\n\n", s.red.apply(body))
				flusher.Flush()
				last = mark
				if n := len(c.Nodes); n > 0 {
					after = max(after, c.Nodes[n-1].ID)
				}
			}
		}
		if err != nil && r.Context().Err() == nil {
			fmt.Fprintf(w, "event: problem\ndata: %q\n\n", s.red.apply([]byte(err.Error())))
			flusher.Flush()
		}
		select {
		case <-r.Context().Done():
			return
		case <-tick.C:
		}
	}
}

// changeMark changes whenever a step is claimed or finished or an LLM
// call is recorded.
func changeMark(ctx context.Context, st *store.Store) (string, error) {
	steps, err := st.Steps(ctx)
	if err != nil {
		return "", err
	}
	usage, err := st.Usage(ctx)
	if err != nil {
		return "", err
	}
	return fmt.Sprint(steps, usage.Calls), nil
}

type callJSON struct {
	Role             string  `json:"role"`
	Provider         string  `json:"provider"`
	Model            string  `json:"model"`
	PromptTokens     int     `json:"prompt_tokens"`
	CompletionTokens int     `json:"completion_tokens"`
	CostUSD          float64 `json:"cost_usd"`
	LatencyMS        int64   `json:"latency_ms"`
	Prompt           string  `json:"prompt"`
	Reply            string  `json:"reply"`
	Error            string  `json:"error,omitempty"`
}

type nodeDetailJSON struct {
	nodeJSON
	Motivation string             `json:"motivation"`
	Analysis   string             `json:"analysis"`
	Feedback   string             `json:"feedback"`
	FullError  string             `json:"full_error"`
	Code       string             `json:"code"`
	Metrics    map[string]float64 `json:"metrics"`
	Primary    string             `json:"primary"`
	Parent     *nodeJSON          `json:"parent"`
	Diff       []diffLine         `json:"diff"`
	Children   []nodeJSON         `json:"children"`
	Calls      []callJSON         `json:"calls"`
	Artifacts  []string           `json:"artifacts"`
	Notes      []eventJSON        `json:"notes"`
	// Cognition lists the cognition items retrieved for the step;
	// CognitionRecorded is false when the store keeps no such list.
	Cognition         []string `json:"cognition"`
	CognitionRecorded bool     `json:"cognition_recorded"`
	Writable          bool     `json:"writable"`
}

func (s *Server) node(w http.ResponseWriter, r *http.Request) {
	id, err := pathID(r)
	if err != nil {
		s.fail(w, http.StatusBadRequest, err)
		return
	}
	st, c, err := s.load(r.Context(), r.PathValue("name"))
	if err != nil {
		s.failFor(w, err)
		return
	}
	n, ok := c.Node(id)
	if !ok {
		s.failFor(w, fmt.Errorf("node %d: %w", id, store.ErrNotFound))
		return
	}
	d := nodeDetailJSON{
		nodeJSON: toNode(n), Motivation: n.Motivation, Analysis: n.Analysis, Feedback: n.Feedback,
		FullError: n.Error, Code: n.Code, Metrics: n.Metrics, Primary: c.Primary,
		Children: []nodeJSON{}, Calls: []callJSON{}, Notes: []eventJSON{}, Writable: s.cfg.Token != "",
	}
	d.Cognition, d.CognitionRecorded = cognitionOf(n)
	parentCode := ""
	if len(n.Parents) > 0 {
		if p, ok := c.Node(n.Parents[0]); ok {
			pj := toNode(p)
			d.Parent = &pj
			parentCode = p.Code
		}
	}
	d.Diff = lineDiff(parentCode, n.Code, 3)
	for _, other := range c.Nodes {
		if len(other.Parents) > 0 && other.Parents[0] == n.ID {
			d.Children = append(d.Children, toNode(other))
		}
	}
	calls, err := st.Calls(r.Context(), n.ID)
	if err != nil {
		s.failFor(w, err)
		return
	}
	for _, call := range calls {
		d.Calls = append(d.Calls, callJSON{
			Role: call.Role, Provider: call.Provider, Model: call.Model, PromptTokens: call.PromptTokens,
			CompletionTokens: call.CompletionTokens, CostUSD: call.CostUSD, LatencyMS: call.Latency.Milliseconds(),
			Prompt: call.Prompt, Reply: call.Reply, Error: call.Error,
		})
	}
	if d.Artifacts, err = st.ArtifactNames(r.Context(), n.ID); err != nil {
		s.failFor(w, err)
		return
	}
	if d.Notes, err = notes(r.Context(), st, n.ID); err != nil {
		s.failFor(w, err)
		return
	}
	s.writeJSON(w, http.StatusOK, d)
}

// notes returns the notes left on a node.
func notes(ctx context.Context, st *store.Store, id int64) ([]eventJSON, error) {
	events, err := st.Events(ctx, 1<<30)
	if err != nil {
		return nil, err
	}
	out := []eventJSON{}
	for _, e := range toEvents(events) {
		if e.Node == id && e.Kind == noteKind {
			out = append(out, e)
		}
	}
	return out, nil
}

func (s *Server) addNote(w http.ResponseWriter, r *http.Request) {
	id, err := pathID(r)
	if err != nil {
		s.fail(w, http.StatusBadRequest, err)
		return
	}
	var body struct {
		Text string `json:"text"`
	}
	if err := json.NewDecoder(io.LimitReader(r.Body, maxNote+1024)).Decode(&body); err != nil {
		s.fail(w, http.StatusBadRequest, fmt.Errorf("note: %w", err))
		return
	}
	body.Text = strings.TrimSpace(body.Text)
	if body.Text == "" || len(body.Text) > maxNote {
		s.fail(w, http.StatusBadRequest, fmt.Errorf("note: want 1 to %d bytes of text", maxNote))
		return
	}
	st, err := s.open(r.Context(), r.PathValue("name"))
	if err != nil {
		s.failFor(w, err)
		return
	}
	n, err := st.Node(r.Context(), id)
	if err != nil {
		s.failFor(w, err)
		return
	}
	if err := st.AddEvent(r.Context(), store.Event{Step: n.Step, NodeID: n.ID, Kind: noteKind, Message: body.Text}); err != nil {
		s.failFor(w, err)
		return
	}
	list, err := notes(r.Context(), st, n.ID)
	if err != nil {
		s.failFor(w, err)
		return
	}
	s.writeJSON(w, http.StatusCreated, list)
}

type cognitionItemJSON struct {
	Item      string   `json:"item"`
	Uses      int      `json:"uses"`
	Valid     int      `json:"valid"`
	MeanDelta *float64 `json:"mean_delta"` // mean score change against the parent, in the better direction
	Nodes     []int64  `json:"nodes"`
}

func (s *Server) cognition(w http.ResponseWriter, r *http.Request) {
	_, c, err := s.load(r.Context(), r.PathValue("name"))
	if err != nil {
		s.failFor(w, err)
		return
	}
	type acc struct {
		item     cognitionItemJSON
		deltaSum float64
		deltas   int
	}
	byItem := map[string]*acc{}
	recordedAny := false
	for _, n := range c.Nodes {
		items, recorded := cognitionOf(n)
		recordedAny = recordedAny || recorded
		for _, it := range items {
			a, ok := byItem[it]
			if !ok {
				a = &acc{item: cognitionItemJSON{Item: it, Nodes: []int64{}}}
				byItem[it] = a
			}
			a.item.Uses++
			a.item.Nodes = append(a.item.Nodes, n.ID)
			if !n.Valid {
				continue
			}
			a.item.Valid++
			if len(n.Parents) > 0 {
				if p, ok := c.Node(n.Parents[0]); ok && p.Valid {
					delta := n.Score - p.Score
					if !c.Maximize() {
						delta = -delta
					}
					a.deltaSum += delta
					a.deltas++
				}
			}
		}
	}
	items := []cognitionItemJSON{}
	for _, a := range byItem {
		if a.deltas > 0 {
			mean := a.deltaSum / float64(a.deltas)
			a.item.MeanDelta = &mean
		}
		items = append(items, a.item)
	}
	sort.Slice(items, func(i, j int) bool {
		if items[i].Uses != items[j].Uses {
			return items[i].Uses > items[j].Uses
		}
		return items[i].Item < items[j].Item
	})
	s.writeJSON(w, http.StatusOK, map[string]any{"recorded": recordedAny, "items": items})
}
