package store

import (
	"context"
	"database/sql"
	"os"
	"path/filepath"
	"testing"
	"time"
)

func TestRoundTripAndAppend(t *testing.T) {
	dir := t.TempDir()
	ctx := context.Background()
	t0 := time.UnixMilli(1_700_000_000_000)

	st, err := Open(dir, false)
	if err != nil {
		t.Fatal(err)
	}
	id1, err := st.StartSession(ctx, Session{Target: "api", PID: 11, Node: "v20", HeapLimit: 1 << 30, Started: t0})
	if err != nil {
		t.Fatal(err)
	}
	err = st.Record(ctx, id1,
		[]Sample{{Time: t0.Add(time.Second), RSS: 100, HeapTotal: 50, HeapUsed: 40, External: 3, ArrayBuffers: 1}},
		[]GC{{Time: t0.Add(time.Second), Kind: "major", Pause: 2 * time.Millisecond, HeapAfter: 30},
			{Time: t0.Add(time.Second), Kind: "minor", Count: 3, Pause: 3 * time.Millisecond, MaxPause: 2 * time.Millisecond}},
		[]Event{{Time: t0.Add(time.Second), Kind: EventSignal, Name: "leak", Value: 1000, Rate: 10}})
	if err != nil {
		t.Fatal(err)
	}
	if err := st.EndSession(ctx, id1, t0.Add(2*time.Second), "target exited"); err != nil {
		t.Fatal(err)
	}
	if err := st.Close(); err != nil {
		t.Fatal(err)
	}

	// A second watch run (leakhound restarted) appends to the same history.
	st, err = Open(dir, false)
	if err != nil {
		t.Fatal(err)
	}
	id2, _ := st.StartSession(ctx, Session{Target: "api", PID: 12, Started: t0.Add(10 * time.Second)})
	if err := st.Record(ctx, id2, []Sample{{Time: t0.Add(11 * time.Second), HeapUsed: 41}}, nil, nil); err != nil {
		t.Fatal(err)
	}
	other, _ := st.StartSession(ctx, Session{Target: "other", PID: 13, Started: t0})
	_ = st.Record(ctx, other, []Sample{{Time: t0, HeapUsed: 7}}, nil, nil)
	st.Close()

	ro, err := Open(dir, true)
	if err != nil {
		t.Fatal(err)
	}
	defer ro.Close()
	ss, err := ro.Samples(ctx, Query{Target: "api"})
	if err != nil || len(ss) != 2 || ss[0].HeapUsed != 40 || ss[1].HeapUsed != 41 || ss[0].Session != id1 {
		t.Fatalf("samples = %+v, %v", ss, err)
	}
	if !ss[0].Time.Equal(t0.Add(time.Second)) {
		t.Errorf("time = %v", ss[0].Time)
	}
	ss, _ = ro.Samples(ctx, Query{Target: "api", Since: t0.Add(5 * time.Second)})
	if len(ss) != 1 {
		t.Errorf("since: %d samples", len(ss))
	}
	ss, _ = ro.Samples(ctx, Query{PID: 13})
	if len(ss) != 1 || ss[0].HeapUsed != 7 {
		t.Errorf("by pid: %+v", ss)
	}
	sessions, _ := ro.Sessions(ctx, Query{Target: "api"})
	if len(sessions) != 2 || sessions[0].EndReason != "target exited" || !sessions[1].Ended.IsZero() {
		t.Errorf("sessions = %+v", sessions)
	}
	gcs, _ := ro.GCSummary(ctx, Query{Target: "api"})
	if len(gcs) != 2 || gcs[0].Kind != "major" || gcs[0].MaxPause != 2*time.Millisecond ||
		gcs[1].Count != 3 || gcs[1].Total != 3*time.Millisecond || gcs[1].MaxPause != 2*time.Millisecond {
		t.Errorf("gcs = %+v", gcs)
	}
	ev, _ := ro.Events(ctx, Query{Target: "api"})
	if len(ev) != 1 || ev[0].Rate != 10 || ev[0].Name != "leak" {
		t.Errorf("events = %+v", ev)
	}
	ts, _ := ro.Targets(ctx)
	if len(ts) != 2 || ts[0].Name != "api" || ts[0].Sessions != 2 || ts[0].LastPID != 12 || ts[0].Samples != 2 {
		t.Errorf("targets = %+v", ts)
	}
}

func TestRefusesNewerSchemaAndGarbage(t *testing.T) {
	dir := t.TempDir()
	st, err := Open(dir, false)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := st.db.Exec(`PRAGMA user_version = 99`); err != nil {
		t.Fatal(err)
	}
	st.Close()
	if _, err := Open(dir, false); err == nil {
		t.Error("opened a database from the future")
	}

	bad := t.TempDir()
	if err := os.WriteFile(filepath.Join(bad, FileName), []byte("not a database at all, just text padding padding padding padding padding padding padding padding padding padding"), 0o600); err != nil {
		t.Fatal(err)
	}
	if _, err := Open(bad, true); err == nil {
		t.Error("opened garbage")
	}
	if _, err := Open(t.TempDir(), true); err == nil {
		t.Error("read-only open of a missing database succeeded")
	}
}

func TestPrune(t *testing.T) {
	ctx := context.Background()
	st, err := Open(t.TempDir(), false)
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	t0 := time.UnixMilli(1_700_000_000_000)
	old, _ := st.StartSession(ctx, Session{Target: "a", Started: t0})
	_ = st.Record(ctx, old, []Sample{{Time: t0}}, []GC{{Time: t0, Kind: "minor"}}, []Event{{Time: t0, Kind: EventLog}})
	_ = st.EndSession(ctx, old, t0.Add(time.Second), "interrupted")
	cur, _ := st.StartSession(ctx, Session{Target: "a", Started: t0.Add(time.Hour)})
	_ = st.Record(ctx, cur, []Sample{{Time: t0.Add(time.Hour)}}, nil, nil)
	n, err := st.Prune(ctx, t0.Add(time.Minute))
	if err != nil || n != 4 {
		t.Fatalf("pruned %d rows, %v; want 4 (sample, gc, event, session)", n, err)
	}
	ses, _ := st.Sessions(ctx, Query{Target: "a"})
	ss, _ := st.Samples(ctx, Query{Target: "a"})
	if len(ses) != 1 || ses[0].ID != cur || len(ss) != 1 {
		t.Errorf("left %+v, %d samples", ses, len(ss))
	}
}

// A history written by schema version 2 (before several targets per watch)
// stays readable as it is, and is migrated when watch opens it to write;
// what it held survives.
func TestMigrateFromVersion2(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	// Version 2's file: the same tables without the columns version 3 added.
	db, err := sql.Open("sqlite", "file:"+filepath.Join(dir, FileName)+"?_pragma=journal_mode(WAL)") // as watch writes it
	if err != nil {
		t.Fatal(err)
	}
	for _, q := range schema {
		if _, err := db.Exec(q); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := db.Exec(`INSERT INTO sessions(target,pid,started_ms) VALUES('api',11,1700000000000)`); err != nil {
		t.Fatal(err)
	}
	if _, err := db.Exec(`INSERT INTO samples VALUES(1,1700000001000,1,2,3,4,5)`); err != nil {
		t.Fatal(err)
	}
	if _, err := db.Exec(`PRAGMA user_version = 2`); err != nil {
		t.Fatal(err)
	}
	db.Close()

	ro, err := Open(dir, true)
	if err != nil {
		t.Fatal(err)
	}
	ses, err := ro.Sessions(ctx, Query{Target: "api"})
	if err != nil || len(ses) != 1 || ses[0].PID != 11 || ses[0].Process != "" {
		t.Fatalf("read-only, version 2: %+v %v", ses, err)
	}
	if ss, err := ro.Samples(ctx, Query{WatchRun: "x"}); err != nil || len(ss) != 0 {
		t.Errorf("watch run filter on version 2: %v %v", ss, err)
	}
	ro.Close()

	st, err := Open(dir, false)
	if err != nil {
		t.Fatal(err)
	}
	var v int
	if err := st.db.QueryRow(`PRAGMA user_version`).Scan(&v); err != nil || v != SchemaVersion {
		t.Fatalf("migrated to %d, %v", v, err)
	}
	id, err := st.StartSession(ctx, Session{Target: "api", PID: 12, Process: "api-server", WatchRun: "r1", Started: time.UnixMilli(1_700_000_010_000)})
	if err != nil {
		t.Fatal(err)
	}
	_ = st.Record(ctx, id, []Sample{{Time: time.UnixMilli(1_700_000_011_000), HeapUsed: 9}}, nil, nil)
	st.Close()
	// Opening again does not migrate twice.
	st, err = Open(dir, false)
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	ses, _ = st.Sessions(ctx, Query{Target: "api"})
	if len(ses) != 2 || ses[0].Process != "" || ses[1].Process != "api-server" || ses[1].WatchRun != "r1" {
		t.Errorf("sessions after migrating: %+v", ses)
	}
	ss, _ := st.Samples(ctx, Query{WatchRun: "r1"})
	if len(ss) != 1 || ss[0].HeapUsed != 9 {
		t.Errorf("one watch run's samples: %+v", ss)
	}
	ss, _ = st.Samples(ctx, Query{Target: "api"})
	if len(ss) != 2 || ss[0].HeapUsed != 3 {
		t.Errorf("all samples: %+v", ss)
	}
}
