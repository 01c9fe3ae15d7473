package web

import (
	"bytes"
	"errors"
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/leakhound/leakhound/internal/heapgraph"
	rpt "github.com/leakhound/leakhound/internal/report"
)

var errNotFound = errors.New("not found")

// badRequest is an error in the query, answered with 400.
type badRequest string

func (b badRequest) Error() string { return string(b) }

// maxPage bounds a page so no request makes the server build a huge answer.
const maxPage = 500

func (s *Server) routes(mux *http.ServeMux) {
	mux.HandleFunc("GET /api/status", s.apiStatus)
	mux.HandleFunc("GET /api/summary", s.snapAPI(s.apiSummary))
	mux.HandleFunc("GET /api/class", s.snapAPI(s.apiClass))
	mux.HandleFunc("GET /api/object", s.snapAPI(s.apiObject))
	mux.HandleFunc("GET /api/references", s.snapAPI(func(w http.ResponseWriter, q query, i int, sn *snap) error {
		return s.apiEdges(w, q, sn, false)
	}))
	mux.HandleFunc("GET /api/retainers", s.snapAPI(func(w http.ResponseWriter, q query, i int, sn *snap) error {
		return s.apiEdges(w, q, sn, true)
	}))
	mux.HandleFunc("GET /api/paths", s.snapAPI(s.apiPaths))
	mux.HandleFunc("GET /api/domtree", s.snapAPI(s.apiDomTree))
	mux.HandleFunc("GET /api/icicle", s.snapAPI(s.apiIcicle))
	mux.HandleFunc("GET /api/stats", s.snapAPI(s.apiStats))
	mux.HandleFunc("GET /api/strings", s.snapAPI(s.apiStrings))
	mux.HandleFunc("GET /api/leaks", s.apiLeaks)
	mux.HandleFunc("GET /api/diff", s.apiDiff)
	mux.HandleFunc("GET /api/gc", s.apiGC)
	mux.HandleFunc("GET /api/gc.svg", s.apiGCSVG)
}

func writeJSON(w http.ResponseWriter, code int, v any) {
	var b bytes.Buffer
	if err := rpt.WriteJSON(&b, v); err != nil {
		http.Error(w, err.Error(), http.StatusInternalServerError)
		return
	}
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	w.WriteHeader(code)
	w.Write(b.Bytes())
}

// fail answers err: 202 with the status while something loads (the page
// retries), 400 for a bad query, 404 for an unknown object.
func (s *Server) fail(w http.ResponseWriter, err error) {
	var br badRequest
	switch {
	case errors.Is(err, errBusy):
		writeJSON(w, http.StatusAccepted, s.snapshotStatus())
	case errors.As(err, &br):
		writeJSON(w, http.StatusBadRequest, map[string]string{"error": err.Error()})
	case errors.Is(err, errNotFound):
		writeJSON(w, http.StatusNotFound, map[string]string{"error": err.Error()})
	default:
		writeJSON(w, http.StatusInternalServerError, map[string]string{"error": err.Error()})
	}
}

func (s *Server) snapshotStatus() status {
	s.mu.Lock()
	defer s.mu.Unlock()
	st := s.status
	st.Elapsed = time.Since(st.started).Seconds()
	return st
}

func (s *Server) apiStatus(w http.ResponseWriter, r *http.Request) {
	writeJSON(w, http.StatusOK, s.snapshotStatus())
}

// query reads the common parameters.
type query struct {
	r *http.Request
}

func (q query) str(name string) string { return q.r.URL.Query().Get(name) }

func (q query) int(name string, def, lo, hi int) (int, error) {
	v := q.str(name)
	if v == "" {
		return def, nil
	}
	n, err := strconv.Atoi(v)
	if err != nil || n < lo || n > hi {
		return 0, badRequest(fmt.Sprintf("%s must be a number in %d..%d", name, lo, hi))
	}
	return n, nil
}

// page reads offset and limit.
func (q query) page() (off, lim int, err error) {
	if off, err = q.int("offset", 0, 0, 1<<31-1); err != nil {
		return
	}
	lim, err = q.int("limit", 50, 1, maxPage)
	return
}

// node reads an object id (@123 or 123) and finds it in g.
func (q query) node(g *heapgraph.Graph, name string) (uint32, error) {
	v := strings.TrimPrefix(q.str(name), "@")
	if v == "" {
		return g.Root, nil
	}
	id, err := strconv.ParseUint(v, 10, 32)
	if err != nil {
		return 0, badRequest(name + " must be an object id such as @1234")
	}
	n, ok := g.NodeByID(uint32(id))
	if !ok {
		return 0, fmt.Errorf("%w: no object @%d in this snapshot", errNotFound, id)
	}
	return n, nil
}

// target reads the object id and the page wanted of a list about it.
func (q query) target(g *heapgraph.Graph) (n uint32, off, lim int, err error) {
	if n, err = q.node(g, "id"); err == nil {
		off, lim, err = q.page()
	}
	return
}

// snapAPI resolves the snapshot parameter s (default: the last one) to a
// loaded graph before calling h.
func (s *Server) snapAPI(h func(w http.ResponseWriter, q query, i int, sn *snap) error) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		q := query{r}
		if err := s.await("", ""); err != nil {
			s.fail(w, err)
			return
		}
		i, err := q.int("s", len(s.snaps)-1, 0, len(s.snaps)-1)
		if err != nil {
			s.fail(w, err)
			return
		}
		sn, err := s.graph(i)
		if err != nil {
			s.fail(w, err)
			return
		}
		if err := h(w, q, i, sn); err != nil {
			s.fail(w, err)
		}
	}
}

// listName bounds the names sent in lists (a string's whole text can be
// 64 KiB); the object view sends the full name.
const listName = 300

func ref(g *heapgraph.Graph, n uint32) rpt.NodeRef {
	r := rpt.Ref(g, n)
	r.Name = clip(r.Name, listName)
	return r
}

func clip(s string, max int) string {
	if utf8.RuneCountInString(s) <= max {
		return s
	}
	r := []rune(s)
	return string(r[:max-1]) + "…"
}

func window[T any](xs []T, off, lim int) []T {
	if off >= len(xs) {
		return []T{}
	}
	return xs[off:min(len(xs), off+lim)]
}

// await is nil once the input is loaded: errBusy while it loads, the
// loading error, or not-found (saying missing) when the input is not of
// kind ("" = any).
func (s *Server) await(kind Kind, missing string) error {
	if kind != "" && s.cfg.Kind != kind {
		return fmt.Errorf("%w: %s", errNotFound, missing)
	}
	st := s.snapshotStatus()
	if st.Error != "" {
		return errors.New(st.Error)
	}
	if !st.Ready {
		return errBusy
	}
	return nil
}
