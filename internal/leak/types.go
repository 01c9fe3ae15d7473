package leak

import (
	"bytes"

	"github.com/leakhound/leakhound/internal/heapsnapshot"
)

// jsType: node types whose ids V8 keeps stable across snapshots. Native and
// synthetic nodes come from the embedder and the snapshot generator.
func jsType(t uint8, nt *heapsnapshot.NodeTypeIndex) bool {
	switch int(t) {
	case nt.Native, nt.Synthetic:
		return false
	}
	return true
}

// dataType: nodes that hold program data, as opposed to code, hidden classes
// and V8's bookkeeping, which grow as code warms up and are never the leak.
func dataType(t uint8, nt *heapsnapshot.NodeTypeIndex) bool {
	switch int(t) {
	case nt.Object, nt.Closure, nt.Array, nt.String, nt.ConcatenatedString, nt.SlicedString,
		nt.RegExp, nt.Number, nt.BigInt, nt.Symbol:
		return true
	}
	return false
}

// significant: objects a program creates on purpose (instances, closures);
// a leak root below one of them is part of it.
func significant(t uint8, nt *heapsnapshot.NodeTypeIndex) bool {
	switch int(t) {
	case nt.Object, nt.Closure, nt.RegExp:
		return true
	}
	return false
}

var systemPrefix = []byte("system / ")

func isSystemName(b []byte) bool { return bytes.HasPrefix(b, systemPrefix) }
