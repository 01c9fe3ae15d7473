package leak

// SourcesUnder is LocalSources for a server: it reads scripts, the source
// maps beside them and the sources those list only where check allows (it
// returns a path's real location, links resolved, or false).
func SourcesUnder(check func(path string) (string, bool)) Sources {
	return rootedSources{check, LocalSourcesUnder(func(p string) bool {
		_, ok := check(p)
		return ok
	})}
}

type rootedSources struct {
	check func(path string) (string, bool)
	local Sources
}

func (s rootedSources) allowed(script string) (string, bool) {
	p, ok := ScriptPath(script)
	if !ok {
		return "", false
	}
	return s.check(p)
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

func (s rootedSources) Original(script string, line, column int, function string) (Position, string, bool) {
	m, ok := s.local.(SourceMaps)
	if _, allowed := s.allowed(script); !ok || !allowed {
		return Position{}, "", false
	}
	return m.Original(script, line, column, function)
}

func (s rootedSources) MadeFrom(script string) []string {
	m, ok := s.local.(SourceMaps)
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
