// Package store records what `leakhound watch` observes and does — memory
// samples, GCs, leak signals, threshold actions, snapshots and reports — in
// an embedded SQLite database (pure Go, no cgo), so `leakhound history` can
// show a target's memory after the fact.
//
// One database per data directory holds every target; a watch run is a
// session, and sessions of the same target name append to the same history
// across target restarts and leakhound restarts. Every write is a
// transaction, so an interrupted watch never leaves half a record. The
// schema version lives in PRAGMA user_version.
package store

import (
	"context"
	"database/sql"
	"fmt"
	"os"
	"path/filepath"
	"time"

	_ "modernc.org/sqlite" // registers the "sqlite" driver
)

// SchemaVersion is the version this code writes; older databases are
// migrated forward on Open, newer ones are refused.
const SchemaVersion = 3

// FileName is the database's name inside the data directory.
const FileName = "leakhound.db"

var schema = []string{
	`CREATE TABLE IF NOT EXISTS sessions (
		id          INTEGER PRIMARY KEY,
		target      TEXT    NOT NULL,
		pid         INTEGER NOT NULL DEFAULT 0,
		endpoint    TEXT    NOT NULL DEFAULT '',
		node        TEXT    NOT NULL DEFAULT '',
		heap_limit  INTEGER NOT NULL DEFAULT 0,
		started_ms  INTEGER NOT NULL,
		ended_ms    INTEGER,
		end_reason  TEXT    NOT NULL DEFAULT ''
	)`,
	`CREATE INDEX IF NOT EXISTS sessions_target ON sessions(target, started_ms)`,
	`CREATE TABLE IF NOT EXISTS samples (
		session_id    INTEGER NOT NULL REFERENCES sessions(id),
		t_ms          INTEGER NOT NULL,
		rss           INTEGER NOT NULL,
		heap_total    INTEGER NOT NULL,
		heap_used     INTEGER NOT NULL,
		external      INTEGER NOT NULL,
		array_buffers INTEGER NOT NULL
	)`,
	`CREATE INDEX IF NOT EXISTS samples_session ON samples(session_id, t_ms)`,
	// One row per major GC; minor, incremental and weak-callback GCs are
	// folded into one row per kind and sample (count, total and longest
	// pause), so a service collecting ten times a second does not write
	// a million rows a day.
	`CREATE TABLE IF NOT EXISTS gcs (
		session_id   INTEGER NOT NULL REFERENCES sessions(id),
		t_ms         INTEGER NOT NULL,
		kind         TEXT    NOT NULL,
		count        INTEGER NOT NULL DEFAULT 1,
		pause_ns     INTEGER NOT NULL,
		max_pause_ns INTEGER NOT NULL,
		heap_after   INTEGER NOT NULL DEFAULT 0
	)`,
	`CREATE INDEX IF NOT EXISTS gcs_session ON gcs(session_id, t_ms)`,
	`CREATE TABLE IF NOT EXISTS events (
		session_id INTEGER NOT NULL REFERENCES sessions(id),
		t_ms       INTEGER NOT NULL,
		kind       TEXT    NOT NULL,
		name       TEXT    NOT NULL DEFAULT '',
		value      INTEGER NOT NULL DEFAULT 0,
		rate       REAL    NOT NULL DEFAULT 0,
		path       TEXT    NOT NULL DEFAULT '',
		detail     TEXT    NOT NULL DEFAULT ''
	)`,
	`CREATE INDEX IF NOT EXISTS events_session ON events(session_id, t_ms)`,
	// Version 2: values watched with --track and class counts (--count).
	`CREATE TABLE IF NOT EXISTS tracked (
		session_id INTEGER NOT NULL REFERENCES sessions(id),
		t_ms       INTEGER NOT NULL,
		name       TEXT    NOT NULL,
		kind       TEXT    NOT NULL DEFAULT '',
		value      INTEGER NOT NULL
	)`,
	`CREATE INDEX IF NOT EXISTS tracked_session ON tracked(session_id, t_ms)`,
}

// alters are the column additions, by the version that added them: unlike
// the CREATE ... IF NOT EXISTS above they cannot run twice, so each runs
// only on a database older than its version.
var alters = []struct {
	version int
	query   string
}{
	// Version 3: watch watches several processes at once (watch PID PID…,
	// --all). A session names its process (process.title) and the watch
	// run it belongs to: the sessions one `leakhound watch` recorded side by
	// side share it.
	{3, `ALTER TABLE sessions ADD COLUMN process TEXT NOT NULL DEFAULT ''`},
	{3, `ALTER TABLE sessions ADD COLUMN watch_run TEXT NOT NULL DEFAULT ''`},
	{3, `CREATE INDEX IF NOT EXISTS sessions_pid ON sessions(pid, started_ms)`},
	{3, `CREATE INDEX IF NOT EXISTS sessions_run ON sessions(watch_run)`},
}

// Event kinds stored in the events table.
const (
	EventSignal   = "signal"   // name: "leak"; value: growth bytes; rate: bytes/s
	EventAction   = "action"   // name: "warn/snapshot" (trigger/action); detail: result
	EventSnapshot = "snapshot" // name: reason; path; value: size in bytes
	EventSnapDel  = "snapshot-deleted"
	EventReport   = "report" // path; detail: one-line summary
	EventLog      = "log"    // name: level; detail: message
)

// Store is an open database. Its methods are safe for concurrent use.
type Store struct {
	db   *sql.DB
	path string
	// version is the file's schema version: a read-only look at an older
	// file (a history written by an older leakhound) reads what it has.
	version int
}

// DefaultDir is $XDG_STATE_HOME/leakhound, else ~/.local/state/leakhound.
func DefaultDir() string {
	if d := os.Getenv("XDG_STATE_HOME"); d != "" && filepath.IsAbs(d) {
		return filepath.Join(d, "leakhound")
	}
	if h, err := os.UserHomeDir(); err == nil {
		return filepath.Join(h, ".local", "state", "leakhound")
	}
	return filepath.Join(os.TempDir(), "leakhound-state")
}

// Open opens (creating if needed) the database in dir. readOnly opens an
// existing database without creating or migrating it.
func Open(dir string, readOnly bool) (*Store, error) {
	path := filepath.Join(dir, FileName)
	if readOnly {
		if _, err := os.Stat(path); err != nil {
			return nil, fmt.Errorf("no leakhound history in %s: %w", dir, err)
		}
	} else if err := os.MkdirAll(dir, 0o700); err != nil {
		return nil, err
	}
	// WAL lets `history` read while `watch` writes; busy_timeout makes the
	// rare writer/writer overlap (two watches) wait instead of failing.
	dsn := "file:" + path + "?_pragma=busy_timeout(5000)&_pragma=journal_mode(WAL)&_pragma=synchronous(NORMAL)&_pragma=foreign_keys(1)"
	if readOnly {
		dsn += "&mode=ro"
	}
	db, err := sql.Open("sqlite", dsn)
	if err != nil {
		return nil, err
	}
	db.SetMaxOpenConns(1) // one connection: SQLite serialises writers anyway
	s := &Store{db: db, path: path}
	if err := s.migrate(readOnly); err != nil {
		db.Close()
		return nil, err
	}
	return s, nil
}

// Path is the database file.
func (s *Store) Path() string { return s.path }

func (s *Store) migrate(readOnly bool) error {
	var v int
	if err := s.db.QueryRow(`PRAGMA user_version`).Scan(&v); err != nil {
		return fmt.Errorf("%s: not a leakhound database: %w", s.path, err)
	}
	if v > SchemaVersion {
		return fmt.Errorf("%s: schema version %d is newer than this leakhound understands (%d)", s.path, v, SchemaVersion)
	}
	s.version = v
	if v == SchemaVersion || readOnly {
		if readOnly && v == 0 {
			return fmt.Errorf("%s: empty leakhound database", s.path)
		}
		return nil
	}
	tx, err := s.db.Begin()
	if err != nil {
		return err
	}
	defer tx.Rollback()
	for _, q := range schema {
		if _, err := tx.Exec(q); err != nil {
			return fmt.Errorf("creating schema: %w", err)
		}
	}
	for _, a := range alters {
		if v < a.version {
			if _, err := tx.Exec(a.query); err != nil {
				return fmt.Errorf("migrating the schema from version %d: %w", v, err)
			}
		}
	}
	if _, err := tx.Exec(fmt.Sprintf(`PRAGMA user_version = %d`, SchemaVersion)); err != nil {
		return err
	}
	if err := tx.Commit(); err != nil {
		return err
	}
	s.version = SchemaVersion
	return nil
}

// Close checkpoints and closes the database.
func (s *Store) Close() error {
	_, _ = s.db.Exec(`PRAGMA wal_checkpoint(TRUNCATE)`)
	return s.db.Close()
}

// Session describes one connection of watch to one target process.
type Session struct {
	ID        int64
	Target    string
	PID       int
	Endpoint  string
	Node      string // node version, e.g. v20.20.2
	HeapLimit int64
	Started   time.Time
	Ended     time.Time // zero while running (or when watch was killed)
	EndReason string
	// Process is the process's name (process.title; "node" unless the
	// program set one). WatchRun is shared by the sessions one watch run
	// recorded side by side (watch PID PID…, --all). Both are empty in
	// histories written before schema version 3.
	Process  string
	WatchRun string
}

// StartSession records a new session and returns its id.
func (s *Store) StartSession(ctx context.Context, se Session) (int64, error) {
	if se.Started.IsZero() {
		se.Started = time.Now()
	}
	r, err := s.db.ExecContext(ctx, `INSERT INTO sessions(target,pid,endpoint,node,heap_limit,started_ms,process,watch_run) VALUES(?,?,?,?,?,?,?,?)`,
		se.Target, se.PID, se.Endpoint, se.Node, se.HeapLimit, ms(se.Started), se.Process, se.WatchRun)
	if err != nil {
		return 0, err
	}
	return r.LastInsertId()
}

// EndSession marks a session finished with a reason ("interrupted",
// "target exited", ...).
func (s *Store) EndSession(ctx context.Context, id int64, t time.Time, reason string) error {
	_, err := s.db.ExecContext(ctx, `UPDATE sessions SET ended_ms=?, end_reason=? WHERE id=?`, ms(t), reason, id)
	return err
}

// Sample is one process.memoryUsage()-equivalent reading.
type Sample struct {
	Time         time.Time `json:"-"`
	RSS          int64     `json:"rss"`
	HeapTotal    int64     `json:"heap_total"`
	HeapUsed     int64     `json:"heap_used"`
	External     int64     `json:"external"`
	ArrayBuffers int64     `json:"array_buffers"`
}

// GC is one garbage collection seen in the target, or Count of them of
// one kind folded together.
type GC struct {
	Time      time.Time
	Kind      string        // major, minor, incremental, weakcb
	Count     int           // collections in this record; 0 means 1
	Pause     time.Duration // total pause of the Count collections
	MaxPause  time.Duration // longest of them; 0 means Pause
	HeapAfter int64         // old-generation bytes after a major GC; 0 otherwise
}

// Event is a signal, action, snapshot, report or log line.
type Event struct {
	Time   time.Time
	Kind   string
	Name   string
	Value  int64
	Rate   float64
	Path   string
	Detail string
}

// Record writes a batch (one watch tick) in a single transaction, so a
// crash or Ctrl-C keeps either all of it or none.
func (s *Store) Record(ctx context.Context, session int64, samples []Sample, gcs []GC, events []Event) error {
	if len(samples)+len(gcs)+len(events) == 0 {
		return nil
	}
	tx, err := s.db.BeginTx(ctx, nil)
	if err != nil {
		return err
	}
	defer tx.Rollback()
	if len(samples) > 0 {
		st, err := tx.PrepareContext(ctx, `INSERT INTO samples VALUES(?,?,?,?,?,?,?)`)
		if err != nil {
			return err
		}
		for _, x := range samples {
			if _, err := st.ExecContext(ctx, session, ms(x.Time), x.RSS, x.HeapTotal, x.HeapUsed, x.External, x.ArrayBuffers); err != nil {
				return err
			}
		}
		st.Close()
	}
	if len(gcs) > 0 {
		st, err := tx.PrepareContext(ctx, `INSERT INTO gcs VALUES(?,?,?,?,?,?,?)`)
		if err != nil {
			return err
		}
		for _, g := range gcs {
			n, mx := max(g.Count, 1), g.MaxPause
			if mx == 0 {
				mx = g.Pause
			}
			if _, err := st.ExecContext(ctx, session, ms(g.Time), g.Kind, n, g.Pause.Nanoseconds(), mx.Nanoseconds(), g.HeapAfter); err != nil {
				return err
			}
		}
		st.Close()
	}
	for _, e := range events {
		if _, err := tx.ExecContext(ctx, `INSERT INTO events VALUES(?,?,?,?,?,?,?,?)`,
			session, ms(e.Time), e.Kind, e.Name, e.Value, e.Rate, e.Path, e.Detail); err != nil {
			return err
		}
	}
	return tx.Commit()
}

// Prune deletes samples, GCs and events older than before, and sessions
// left with nothing, and returns the number of rows deleted. Snapshot and
// report files are not touched.
func (s *Store) Prune(ctx context.Context, before time.Time) (int64, error) {
	tx, err := s.db.BeginTx(ctx, nil)
	if err != nil {
		return 0, err
	}
	defer tx.Rollback()
	var total int64
	for _, q := range []string{
		`DELETE FROM samples WHERE t_ms < ?`,
		`DELETE FROM gcs WHERE t_ms < ?`,
		`DELETE FROM events WHERE t_ms < ?`,
		`DELETE FROM tracked WHERE t_ms < ?`,
		`DELETE FROM sessions WHERE COALESCE(ended_ms, started_ms) < ?
			AND NOT EXISTS (SELECT 1 FROM samples WHERE session_id = sessions.id)
			AND NOT EXISTS (SELECT 1 FROM gcs WHERE session_id = sessions.id)
			AND NOT EXISTS (SELECT 1 FROM events WHERE session_id = sessions.id)
			AND NOT EXISTS (SELECT 1 FROM tracked WHERE session_id = sessions.id)`,
	} {
		r, err := tx.ExecContext(ctx, q, ms(before))
		if err != nil {
			return 0, err
		}
		n, _ := r.RowsAffected()
		total += n
	}
	return total, tx.Commit()
}

// TargetInfo summarises one target's history.
type TargetInfo struct {
	Name     string
	Sessions int
	First    time.Time
	Last     time.Time
	LastPID  int
	Samples  int64
}

// Targets lists every recorded target, most recently seen first.
func (s *Store) Targets(ctx context.Context) ([]TargetInfo, error) {
	rows, err := s.db.QueryContext(ctx, `
		SELECT se.target, COUNT(DISTINCT se.id), MIN(se.started_ms),
		       MAX(COALESCE(se.ended_ms, se.started_ms)),
		       (SELECT pid FROM sessions s2 WHERE s2.target=se.target ORDER BY started_ms DESC, id DESC LIMIT 1),
		       (SELECT COUNT(*) FROM samples sa JOIN sessions s3 ON sa.session_id=s3.id WHERE s3.target=se.target),
		       (SELECT MAX(sa.t_ms) FROM samples sa JOIN sessions s4 ON sa.session_id=s4.id WHERE s4.target=se.target)
		FROM sessions se GROUP BY se.target`)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []TargetInfo
	for rows.Next() {
		var t TargetInfo
		var first, last int64
		var lastSample sql.NullInt64
		if err := rows.Scan(&t.Name, &t.Sessions, &first, &last, &t.LastPID, &t.Samples, &lastSample); err != nil {
			return nil, err
		}
		if lastSample.Valid && lastSample.Int64 > last {
			last = lastSample.Int64
		}
		t.First, t.Last = fromMS(first), fromMS(last)
		out = append(out, t)
	}
	sortTargets(out)
	return out, rows.Err()
}

func sortTargets(ts []TargetInfo) {
	for i := 1; i < len(ts); i++ {
		for j := i; j > 0 && ts[j].Last.After(ts[j-1].Last); j-- {
			ts[j], ts[j-1] = ts[j-1], ts[j]
		}
	}
}

// Query selects history: by target name, or by pid (any target), since a
// time (zero = all).
type Query struct {
	Target string
	PID    int
	Since  time.Time
	// WatchRun selects one watch run's sessions (Session.WatchRun).
	WatchRun string
}

func (q Query) where(alias string, version int) (string, []any) {
	w := ` WHERE 1=1`
	var args []any
	if q.Target != "" {
		w += ` AND se.target = ?`
		args = append(args, q.Target)
	}
	if q.PID != 0 {
		w += ` AND se.pid = ?`
		args = append(args, q.PID)
	}
	if q.WatchRun != "" && version < 3 {
		w += ` AND 0` // no watch runs recorded before version 3
	} else if q.WatchRun != "" {
		w += ` AND se.watch_run = ?`
		args = append(args, q.WatchRun)
	}
	if !q.Since.IsZero() {
		w += ` AND ` + alias + `.t_ms >= ?`
		args = append(args, ms(q.Since))
	}
	return w, args
}

// Sessions returns the sessions matching q (Since filters on start or end).
func (s *Store) Sessions(ctx context.Context, q Query) ([]Session, error) {
	w := ` WHERE 1=1`
	var args []any
	if q.Target != "" {
		w += ` AND target = ?`
		args = append(args, q.Target)
	}
	if q.PID != 0 {
		w += ` AND pid = ?`
		args = append(args, q.PID)
	}
	if !q.Since.IsZero() {
		w += ` AND COALESCE(ended_ms, 9223372036854775807) >= ?`
		args = append(args, ms(q.Since))
	}
	if q.WatchRun != "" && s.version < 3 {
		w += ` AND 0`
	} else if q.WatchRun != "" {
		w += ` AND watch_run = ?`
		args = append(args, q.WatchRun)
	}
	cols := `process,watch_run`
	if s.version < 3 {
		cols = `'',''` // an older history, read as it is
	}
	rows, err := s.db.QueryContext(ctx, `SELECT id,target,pid,endpoint,node,heap_limit,started_ms,ended_ms,end_reason,`+cols+` FROM sessions`+w+` ORDER BY started_ms, id`, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []Session
	for rows.Next() {
		var se Session
		var started int64
		var ended sql.NullInt64
		if err := rows.Scan(&se.ID, &se.Target, &se.PID, &se.Endpoint, &se.Node, &se.HeapLimit, &started, &ended, &se.EndReason, &se.Process, &se.WatchRun); err != nil {
			return nil, err
		}
		se.Started = fromMS(started)
		if ended.Valid {
			se.Ended = fromMS(ended.Int64)
		}
		out = append(out, se)
	}
	return out, rows.Err()
}

// SessionSample is a sample with the session it belongs to.
type SessionSample struct {
	Session int64
	Sample
}

// Samples returns the samples matching q in time order.
func (s *Store) Samples(ctx context.Context, q Query) ([]SessionSample, error) {
	w, args := q.where("x", s.version)
	rows, err := s.db.QueryContext(ctx, `SELECT x.session_id,x.t_ms,x.rss,x.heap_total,x.heap_used,x.external,x.array_buffers
		FROM samples x JOIN sessions se ON x.session_id=se.id`+w+` ORDER BY x.t_ms`, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []SessionSample
	for rows.Next() {
		var x SessionSample
		var t int64
		if err := rows.Scan(&x.Session, &t, &x.RSS, &x.HeapTotal, &x.HeapUsed, &x.External, &x.ArrayBuffers); err != nil {
			return nil, err
		}
		x.Time = fromMS(t)
		out = append(out, x)
	}
	return out, rows.Err()
}

// GCStats aggregates GCs by kind.
type GCStats struct {
	Kind     string
	Count    int64
	Total    time.Duration
	MaxPause time.Duration
}

// GCSummary returns per-kind GC counts and pauses matching q.
func (s *Store) GCSummary(ctx context.Context, q Query) ([]GCStats, error) {
	w, args := q.where("x", s.version)
	rows, err := s.db.QueryContext(ctx, `SELECT x.kind, SUM(x.count), SUM(x.pause_ns), MAX(x.max_pause_ns)
		FROM gcs x JOIN sessions se ON x.session_id=se.id`+w+` GROUP BY x.kind ORDER BY x.kind`, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []GCStats
	for rows.Next() {
		var g GCStats
		var tot, mx int64
		if err := rows.Scan(&g.Kind, &g.Count, &tot, &mx); err != nil {
			return nil, err
		}
		g.Total, g.MaxPause = time.Duration(tot), time.Duration(mx)
		out = append(out, g)
	}
	return out, rows.Err()
}

// SessionEvent is an event with the session it belongs to.
type SessionEvent struct {
	Session int64
	Event
}

// Events returns signals, actions, snapshots and reports matching q.
func (s *Store) Events(ctx context.Context, q Query) ([]SessionEvent, error) {
	w, args := q.where("x", s.version)
	rows, err := s.db.QueryContext(ctx, `SELECT x.session_id,x.t_ms,x.kind,x.name,x.value,x.rate,x.path,x.detail
		FROM events x JOIN sessions se ON x.session_id=se.id`+w+` ORDER BY x.t_ms`, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []SessionEvent
	for rows.Next() {
		var e SessionEvent
		var t int64
		if err := rows.Scan(&e.Session, &t, &e.Kind, &e.Name, &e.Value, &e.Rate, &e.Path, &e.Detail); err != nil {
			return nil, err
		}
		e.Time = fromMS(t)
		out = append(out, e)
	}
	return out, rows.Err()
}

func ms(t time.Time) int64     { return t.UnixMilli() }
func fromMS(v int64) time.Time { return time.UnixMilli(v) }
