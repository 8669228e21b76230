package store

import (
	"context"
	"fmt"
)

// EventsOfKind returns every event of one kind, oldest first, for the
// parts of the engine that rebuild their state from their own events.
func (s *Store) EventsOfKind(ctx context.Context, kind string) ([]Event, error) {
	rows, err := s.db.QueryContext(ctx, `SELECT COALESCE(step, 0), COALESCE(node_id, 0), kind, message, created_at
		FROM events WHERE kind = ? ORDER BY id`, kind)
	if err != nil {
		return nil, fmt.Errorf("events of kind %q: %w", kind, err)
	}
	defer rows.Close()
	var events []Event
	for rows.Next() {
		var e Event
		var created string
		if err := rows.Scan(&e.Step, &e.NodeID, &e.Kind, &e.Message, &created); err != nil {
			return nil, fmt.Errorf("events of kind %q: %w", kind, err)
		}
		e.Time = parseTime(created)
		events = append(events, e)
	}
	return events, rows.Err()
}
