package cognition

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"time"
	"unicode"

	"github.com/go-openapi/strfmt"
	"github.com/weaviate/weaviate-go-client/v4/weaviate"
	"github.com/weaviate/weaviate-go-client/v4/weaviate/fault"
	"github.com/weaviate/weaviate-go-client/v4/weaviate/graphql"
	"github.com/weaviate/weaviate/entities/models"
)

// WeaviateConfig says where a Weaviate store lives.
type WeaviateConfig struct {
	URL        string       // http(s)://host:port of the REST API
	Collection string       // class name; see CollectionName
	HTTPClient *http.Client // nil: a client with a 10 s timeout
}

// Weaviate keeps items in a Weaviate collection (one per cognition base),
// so several campaigns and machines can share one base. It talks REST only
// (GraphQL for search, the batch endpoint for import). The collection is
// created on first use; while the server is down every call fails with an
// error wrapping ErrUnavailable, and the next call tries again.
type Weaviate struct {
	client     *weaviate.Client
	collection string
	embedder   string
	dim        int

	mu    sync.Mutex
	ready bool // the collection exists and was checked
}

// CollectionName turns any name (a task, a campaign) into a valid Weaviate
// class name: letters and digits, starting with a capital letter.
func CollectionName(name string) string {
	var b strings.Builder
	up := true
	for _, r := range name {
		switch {
		case r < unicode.MaxASCII && (unicode.IsLetter(r) || unicode.IsDigit(r)):
			if up {
				r = unicode.ToUpper(r)
			}
			b.WriteRune(r)
			up = false
		default:
			up = true
		}
	}
	s := b.String()
	if s == "" || !unicode.IsLetter(rune(s[0])) {
		s = "Cognition" + s
	}
	return s
}

var className = regexp.MustCompile(`^[A-Z][A-Za-z0-9_]*$`)

// OpenWeaviate returns a store for cfg. It does not contact the server.
func OpenWeaviate(cfg WeaviateConfig, embedder string, dim int) (*Weaviate, error) {
	u, err := url.Parse(cfg.URL)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return nil, fmt.Errorf("weaviate url %q: want http(s)://host:port", cfg.URL)
	}
	if !className.MatchString(cfg.Collection) {
		return nil, fmt.Errorf("weaviate collection %q: want a capitalised name of letters, digits and _", cfg.Collection)
	}
	hc := cfg.HTTPClient
	if hc == nil {
		hc = &http.Client{Timeout: 10 * time.Second}
	}
	client, err := weaviate.NewClient(weaviate.Config{Host: u.Host, Scheme: u.Scheme, ConnectionClient: hc, Timeout: 10 * time.Second})
	if err != nil {
		return nil, fmt.Errorf("weaviate %s: %w", cfg.URL, err)
	}
	return &Weaviate{client: client, collection: cfg.Collection, embedder: embedder, dim: dim}, nil
}

// unavailable marks transport errors (connection refused, timeouts) as
// ErrUnavailable; an answer from the server is returned as is.
func unavailable(what string, err error) error {
	var we *fault.WeaviateClientError
	if errors.As(err, &we) && we.IsUnexpectedStatusCode {
		return fmt.Errorf("weaviate %s: %w", what, err)
	}
	return fmt.Errorf("weaviate %s: %w: %w", what, ErrUnavailable, err)
}

func (w *Weaviate) description() string {
	return fmt.Sprintf("asi cognition base; %s=%s; %s=%d", metaEmbedder, w.embedder, metaDim, w.dim)
}

// ensure creates the collection, or checks that an existing one was built
// with the same embedder.
func (w *Weaviate) ensure(ctx context.Context) error {
	w.mu.Lock()
	defer w.mu.Unlock()
	if w.ready {
		return nil
	}
	exists, err := w.client.Schema().ClassExistenceChecker().WithClassName(w.collection).Do(ctx)
	if err != nil {
		return unavailable("check collection "+w.collection, err)
	}
	if exists {
		class, err := w.client.Schema().ClassGetter().WithClassName(w.collection).Do(ctx)
		if err != nil {
			return unavailable("read collection "+w.collection, err)
		}
		if class.Description != w.description() {
			return fmt.Errorf("%w: weaviate collection %s is %q, asked for embedder=%s dim=%d",
				ErrEmbedderMismatch, w.collection, class.Description, w.embedder, w.dim)
		}
		w.ready = true
		return nil
	}
	text := func(name string) *models.Property {
		return &models.Property{Name: name, DataType: []string{"text"}}
	}
	class := &models.Class{
		Class:       w.collection,
		Description: w.description(),
		Vectorizer:  "none",
		VectorIndexConfig: map[string]any{
			"distance": "cosine",
		},
		Properties: []*models.Property{
			text("content"), text("source"), text("kind"),
			{Name: "tags", DataType: []string{"text[]"}},
			{Name: "node", DataType: []string{"int"}},
			{Name: "count", DataType: []string{"int"}},
			text("created"),
		},
	}
	if err := w.client.Schema().ClassCreator().WithClass(class).Do(ctx); err != nil {
		return unavailable("create collection "+w.collection, err)
	}
	w.ready = true
	return nil
}

// Upsert implements Store, through the batch endpoint.
func (w *Weaviate) Upsert(ctx context.Context, records []Record) error {
	if err := w.ensure(ctx); err != nil {
		return err
	}
	const batch = 200
	for start := 0; start < len(records); start += batch {
		b := w.client.Batch().ObjectsBatcher()
		for _, r := range records[start:min(start+batch, len(records))] {
			if len(r.Vector) != w.dim {
				return fmt.Errorf("cognition item %s: vector has %d dimensions, the store %d: %w", r.ID, len(r.Vector), w.dim, ErrEmbedderMismatch)
			}
			b = b.WithObjects(&models.Object{
				Class: w.collection, ID: strfmt.UUID(r.ID), Vector: models.C11yVector(r.Vector),
				Properties: map[string]any{
					"content": r.Content, "source": r.Source, "kind": string(r.Kind), "tags": nonNilTags(r.Tags),
					"node": r.Node, "count": r.Count, "created": r.Created.UTC().Format(time.RFC3339Nano),
				},
			})
		}
		resp, err := b.Do(ctx)
		if err != nil {
			return unavailable("batch import", err)
		}
		for _, o := range resp {
			if o.Result != nil && o.Result.Errors != nil && len(o.Result.Errors.Error) > 0 {
				return fmt.Errorf("weaviate batch import: object %s: %s", o.ID, o.Result.Errors.Error[0].Message)
			}
		}
	}
	return nil
}

var searchFields = []graphql.Field{
	{Name: "content"}, {Name: "source"}, {Name: "kind"}, {Name: "tags"},
	{Name: "node"}, {Name: "count"}, {Name: "created"},
	{Name: "_additional", Fields: []graphql.Field{{Name: "id"}, {Name: "score"}, {Name: "distance"}, {Name: "vector"}}},
}

// Search implements Store: nearVector, bm25 or hybrid (relative score
// fusion) by q.Alpha.
func (w *Weaviate) Search(ctx context.Context, q Query) ([]Hit, error) {
	if err := w.ensure(ctx); err != nil {
		return nil, err
	}
	if q.Limit <= 0 {
		q.Limit = 5
	}
	useVector := q.Alpha > 0 && len(q.Vector) > 0
	if useVector && len(q.Vector) != w.dim {
		return nil, fmt.Errorf("cognition search: query vector has %d dimensions, the store %d: %w", len(q.Vector), w.dim, ErrEmbedderMismatch)
	}
	gql := w.client.GraphQL()
	get := gql.Get().WithClassName(w.collection).WithFields(searchFields...).WithLimit(q.Limit)
	switch {
	case useVector && q.Alpha >= 1:
		get = get.WithNearVector(gql.NearVectorArgBuilder().WithVector(q.Vector))
	case !useVector:
		if strings.TrimSpace(q.Text) == "" {
			return nil, nil
		}
		get = get.WithBM25(gql.Bm25ArgBuilder().WithQuery(q.Text))
	default:
		get = get.WithHybrid(gql.HybridArgumentBuilder().WithQuery(q.Text).WithVector(q.Vector).
			WithAlpha(float32(q.Alpha)).WithFusionType(graphql.RelativeScore))
	}
	resp, err := get.Do(ctx)
	if err != nil {
		return nil, unavailable("search", err)
	}
	if len(resp.Errors) > 0 {
		return nil, fmt.Errorf("weaviate search: %s", resp.Errors[0].Message)
	}
	raw, err := json.Marshal(resp.Data["Get"])
	if err != nil {
		return nil, err
	}
	var data map[string][]weaviateObject
	if err := json.Unmarshal(raw, &data); err != nil {
		return nil, fmt.Errorf("weaviate search: decode: %w", err)
	}
	hits := make([]Hit, 0, len(data[w.collection]))
	for _, o := range data[w.collection] {
		h := Hit{Record: o.record()}
		switch {
		case useVector && q.Alpha >= 1 && o.Additional.Distance != nil:
			h.Score = 1 - *o.Additional.Distance
		default:
			h.Score, _ = strconv.ParseFloat(o.Additional.Score, 64)
		}
		if len(q.Vector) == w.dim {
			h.Similarity = unitCosine(q.Vector, h.Vector)
		}
		hits = append(hits, h)
	}
	return hits, nil
}

type weaviateObject struct {
	Content    string   `json:"content"`
	Source     string   `json:"source"`
	Kind       string   `json:"kind"`
	Tags       []string `json:"tags"`
	Node       int64    `json:"node"`
	Count      int      `json:"count"`
	Created    string   `json:"created"`
	Additional struct {
		ID       string    `json:"id"`
		Score    string    `json:"score"`
		Distance *float64  `json:"distance"`
		Vector   []float32 `json:"vector"`
	} `json:"_additional"`
}

func (o weaviateObject) record() Record {
	created, _ := time.Parse(time.RFC3339Nano, o.Created)
	return Record{
		Item: Item{
			ID: o.Additional.ID, Content: o.Content, Source: o.Source, Kind: Kind(o.Kind), Tags: o.Tags,
			Node: o.Node, Count: o.Count, Created: created,
		},
		Vector: o.Additional.Vector,
	}
}

func objectRecord(o *models.Object) (Record, error) {
	props, err := json.Marshal(o.Properties)
	if err != nil {
		return Record{}, err
	}
	var wo weaviateObject
	if err := json.Unmarshal(props, &wo); err != nil {
		return Record{}, fmt.Errorf("weaviate object %s: %w", o.ID, err)
	}
	wo.Additional.ID = string(o.ID)
	wo.Additional.Vector = o.Vector
	return wo.record(), nil
}

// Get implements Store.
func (w *Weaviate) Get(ctx context.Context, id string) (Record, error) {
	if err := w.ensure(ctx); err != nil {
		return Record{}, err
	}
	objs, err := w.client.Data().ObjectsGetter().WithClassName(w.collection).WithID(id).WithVector().Do(ctx)
	var we *fault.WeaviateClientError
	if errors.As(err, &we) && we.StatusCode == http.StatusNotFound || err == nil && len(objs) == 0 {
		return Record{}, fmt.Errorf("cognition item %s: %w", id, ErrNotFound)
	}
	if err != nil {
		return Record{}, unavailable("get "+id, err)
	}
	return objectRecord(objs[0])
}

// Items implements Store, paging through the collection with a cursor.
func (w *Weaviate) Items(ctx context.Context) ([]Item, error) {
	if err := w.ensure(ctx); err != nil {
		return nil, err
	}
	var out []Item
	after := ""
	for {
		g := w.client.Data().ObjectsGetter().WithClassName(w.collection).WithLimit(500)
		if after != "" {
			g = g.WithAfter(after)
		}
		objs, err := g.Do(ctx)
		if err != nil {
			return nil, unavailable("list", err)
		}
		for _, o := range objs {
			r, err := objectRecord(o)
			if err != nil {
				return nil, err
			}
			out = append(out, r.Item)
		}
		if len(objs) < 500 {
			break
		}
		after = string(objs[len(objs)-1].ID)
	}
	sortItems(out)
	return out, nil
}

// Close implements Store.
func (w *Weaviate) Close() error { return nil }

var _ Store = (*Weaviate)(nil)
