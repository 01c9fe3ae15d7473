package leak

import "strings"

// locate finds the code to fix: the program's line, never node's own.
func (x *explainer) locate(s *Suspect, t *traced) {
	g, rep, path, raw, repIndex := x.g, t.rep, t.path, t.raw, t.repIndex
	s.Location = x.location(rep)
	if s.Pattern == PatternEventListener && s.Location != nil {
		s.listenerPackage = libraryPackage(s.Location.Script)
	}
	if s.Pattern == PatternClosure || s.Pattern == PatternCollection && !s.collection {
		// The resolve function of a promise an async function awaits,
		// kept in a queue nobody drains (a semaphore's waiters): the
		// await never resumes. The async function is where to look.
		if p, ok := x.pendingPromiseOf(rep); ok {
			if fn, ok := x.asyncFunctionWithin(p, 4); ok {
				if l := x.closureLocation(fn); l != nil {
					l.Function = "async " + l.Function
					s.Pattern, s.Location = PatternPromise, l
					t.stuck = x.queueName(raw, repIndex)
				}
			}
		}
	}
	if s.Class == s.RootClass && (s.Pattern == PatternEventListener || s.Pattern == PatternClosure) {
		// A listener closure that keeps a removed element (a per-row
		// listener on window): the element is what leaks.
		if el, ok := x.detachedBelow(rep); ok {
			s.Class = g.ClassName(el)
		}
	}
	if s.Pattern == PatternDetachedDOM {
		// Name the element that left the document, not what hangs
		// below it (its listener closure).
		if top, ok := x.detachedOnPath(raw[:repIndex+1]); ok {
			s.Class = g.ClassName(raw[top].node)
			if s.Location == nil {
				s.Location = x.domCode(raw[top].node)
			}
		}
	}
	if fn, ok := x.asyncFunction(rep); ok && (s.Location == nil || strings.HasPrefix(s.Location.Script, "node:") || s.Pattern == PatternPromise) {
		// An async function suspended at an await that never resumes:
		// its function is where the fix goes.
		if l := x.closureLocation(fn); l != nil {
			l.Function = "async " + l.Function
			s.Location = l
		}
	}
	if !programLocation(s.Location) {
		// A library's code (node_modules) is the last resort too: the
		// program's line that uses it is where the fix goes.
		lib := s.Location
		if !userLocation(lib) {
			lib = nil
		}
		// node's own code (a Listener, a once() or AsyncResource.bind
		// wrapper, Buffer's constructor) is never where the fix goes:
		// the program's function the wrapper calls, else the program's
		// object's constructor, else the nearest program function on the
		// path (the one whose variable holds the array), else nothing.
		// For promises the function on the path (the one racing against
		// a long-lived promise) comes before the settled value's class.
		var ctor, onPath *Location
		if t.haveTell && t.tell != rep {
			if l := x.location(t.tell); programLocation(l) {
				ctor = l
			}
		}
		for k := repIndex - 1; k >= 0 && onPath == nil; k-- {
			if v := path[k].Node; int(g.S.NodeType[v]) == g.S.NodeTypeIndex.Closure {
				if l := x.location(v); programLocation(l) {
					onPath = l
					if k+2 < len(path) && g.ModuleScope(path[k+1].Node) {
						// Only the way into its module's scope (an
						// exported function): the module's variable
						// after it keeps them, not this function.
						if vl := x.moduleVariable(path[k+1].Node, path[k+2].Edge); vl != nil {
							onPath = vl
						}
					}
				}
			}
		}
		s.Location = x.programClosureBelow(rep)
		if s.Location == nil && s.Pattern == PatternPromise {
			ctor, onPath = onPath, ctor
		}
		if s.Location == nil {
			s.Location = ctor
		}
		if s.Location == nil {
			// A function on the path keeps them in its scope; for a
			// promise it is the one racing against it, the code to fix.
			s.Location = onPath
			if s.Pattern != PatternPromise {
				s.Location = scopeOf(onPath)
			}
		}
		if s.Location == nil {
			// Kept in a variable (a module's `compiled` Map of
			// new Function code): a function of that scope.
			s.Location = scopeOf(x.scopeLocation(path[:repIndex]))
		}
		if s.Location == nil {
			s.Location = lib
		}
	}
	s.heldCallback = x.heldCallback(s.Holder, raw) // on down to the telling object
	if l := x.callbackBelow(s.Holder, raw[:repIndex+1]); l != nil {
		// The program's function a library's table keeps, on the way
		// to the objects (a listener that keeps a poll): the code
		// that was registered, not the objects' constructor.
		s.Location = l
	}
}
