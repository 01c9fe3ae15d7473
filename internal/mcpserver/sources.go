package mcpserver

import "github.com/leakhound/leakhound/internal/leak"

// sources reads the program's scripts for the leak report's "added at",
// and the source maps beside them, only under the server's roots, like
// every file it reads.
func (s *Server) sources() leak.Sources {
	return leak.SourcesUnder(s.roots.Real)
}
