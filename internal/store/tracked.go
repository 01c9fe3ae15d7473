package store

import (
	"context"
	"time"
)

// Tracked is one value watched with --track, or a class count (--count),
// at one sample.
type Tracked struct {
	Time  time.Time
	Name  string
	Kind  string // Map, Set, Array, Object, string, Buffer, ... or "instances"
	Value int64
}

// RecordTracked writes one sample's tracked values in a transaction.
func (s *Store) RecordTracked(ctx context.Context, session int64, vals []Tracked) error {
	if len(vals) == 0 {
		return nil
	}
	tx, err := s.db.BeginTx(ctx, nil)
	if err != nil {
		return err
	}
	defer tx.Rollback()
	for _, v := range vals {
		if _, err := tx.ExecContext(ctx, `INSERT INTO tracked VALUES(?,?,?,?,?)`, session, ms(v.Time), v.Name, v.Kind, v.Value); err != nil {
			return err
		}
	}
	return tx.Commit()
}

// SessionTracked is a tracked value with the session it belongs to.
type SessionTracked struct {
	Session int64
	Tracked
}

// TrackedValues returns the tracked values matching q in time order.
func (s *Store) TrackedValues(ctx context.Context, q Query) ([]SessionTracked, error) {
	w, args := q.where("x", s.version)
	rows, err := s.db.QueryContext(ctx, `SELECT x.session_id,x.t_ms,x.name,x.kind,x.value
		FROM tracked x JOIN sessions se ON x.session_id=se.id`+w+` ORDER BY x.t_ms`, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []SessionTracked
	for rows.Next() {
		var x SessionTracked
		var t int64
		if err := rows.Scan(&x.Session, &t, &x.Name, &x.Kind, &x.Value); err != nil {
			return nil, err
		}
		x.Time = fromMS(t)
		out = append(out, x)
	}
	return out, rows.Err()
}
