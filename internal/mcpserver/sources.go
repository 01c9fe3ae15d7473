package mcpserver

import "github.com/leakhound/leakhound/internal/leak"

// rootedSources reads the program's scripts for the leak report's
// "added at" only under the server's roots, like every file it reads.
type rootedSources struct {
	r     *roots
	local leak.Sources
}

// sources reads scripts, and the source maps beside them, under the
// server's roots.
func (s *Server) sources() leak.Sources {
	return rootedSources{s.roots, leak.LocalSourcesUnder(func(p string) bool {
		_, err := s.roots.check(p)
		return err == nil
	})}
}

func (s rootedSources) allowed(script string) (string, bool) {
	p, ok := leak.ScriptPath(script)
	if !ok {
		return "", false
	}
	real, err := s.r.check(p)
	return real, err == nil
}

func (s rootedSources) Read(script string) ([]byte, bool) {
	real, ok := s.allowed(script)
	if !ok {
		return nil, false
	}
	return s.local.Read(real)
}

func (s rootedSources) Siblings(script string) []string {
	if _, ok := s.allowed(script); !ok {
		return nil
	}
	var out []string
	for _, p := range s.local.Siblings(script) {
		if _, ok := s.allowed(p); ok {
			out = append(out, p)
		}
	}
	return out
}

func (s rootedSources) Original(script string, line, column int, function string) (leak.Position, string, bool) {
	m, ok := s.local.(leak.SourceMaps)
	if _, allowed := s.allowed(script); !ok || !allowed {
		return leak.Position{}, "", false
	}
	return m.Original(script, line, column, function)
}

func (s rootedSources) MadeFrom(script string) []string {
	m, ok := s.local.(leak.SourceMaps)
	if _, allowed := s.allowed(script); !ok || !allowed {
		return nil
	}
	var out []string
	for _, p := range m.MadeFrom(script) {
		if _, ok := s.allowed(p); ok {
			out = append(out, p)
		}
	}
	return out
}
