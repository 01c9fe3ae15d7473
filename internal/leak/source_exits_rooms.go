// A way out that runs and finds nothing: socket.io takes a socket out of
// all its rooms before it emits 'disconnect', so socket.rooms is empty in
// that event's listeners ('disconnecting' still has them). A cleanup that
// loops over socket.rooms there to take the socket out of the program's
// own rooms removes nothing, and every disconnected socket stays.

package leak

import (
	"fmt"
	"path/filepath"
	"strings"
)

// roomsLoopRe: a loop over a socket's rooms (for (const r of socket.rooms),
// socket.rooms.forEach(…)).
var roomsLoopRe = lazyRE(`\bfor\s*\(\s*(?:const|let|var)\s+[\w$]+\s+of\s+[\w$.]+\.rooms\b|\.rooms\s*\.\s*forEach\s*\(`)

// disconnectRooms is the fix when the removal rm is reached only through a
// loop over socket.rooms, from a 'disconnect' listener: "" otherwise.
func disconnectRooms(rm *Statement, scripts []string, src Sources) string {
	fn := enclosingFunction(rm, src)
	if fn == nil || !identRe.MatchString(fn.Function) {
		return ""
	}
	// The loop: in the removing function itself, or in a function that
	// calls it (exitAll, looping and calling exit).
	var loopFn *Location
	var loop *Statement // the loop, when it is in another function
	if lines, ok := locationLines(fn, src); ok && fn.Line <= len(lines) {
		for i := fn.Line - 1; i < bodyEnd(lines, fn.Line) && i < len(lines); i++ {
			if roomsLoopRe.Match(lines[i]) {
				loopFn = fn
				break
			}
		}
	}
	var inListener *Statement // the loop, right in a 'disconnect' listener
	if loopFn == nil {
		calls := callsRe(fn.Function)
		matchStatements(roomsLoopRe.get(), scripts, src, nil, func(sc string, lines [][]byte, i int, _ []int) {
			if loopFn != nil || inListener != nil {
				return
			}
			for k := i; k < len(lines) && k <= i+6; k++ {
				if calls.Match(lines[k]) {
					at := &Statement{Script: sc, Line: i + 1, Text: strings.TrimSpace(string(lines[i]))}
					if _, event, ok := closingHandler(at, src); ok && event == "disconnect" {
						// Right in the listener: socket.on('disconnect',
						// () => { for (const r of socket.rooms) … }).
						inListener = at
					} else if f := enclosingFunction(at, src); f != nil && identRe.MatchString(f.Function) {
						loopFn, loop = f, at
					}
					return
				}
			}
		})
	}
	if inListener != nil {
		return fmt.Sprintf("%s:%d loops over socket.rooms in a 'disconnect' listener to call %s() (%s): socket.io has taken the socket out of all its rooms before it emits 'disconnect', so the loop finds none and nothing leaves; listen for 'disconnecting', when socket.rooms still holds them",
			filepath.Base(inListener.Script), inListener.Line, fn.Function, strings.TrimSuffix(strings.TrimSuffix(inListener.Text, "{"), " "))
	}
	if loopFn == nil {
		return ""
	}
	// Its call in a 'disconnect' listener.
	var at *Statement
	for _, c := range callSites(loopFn, scripts, src) {
		if _, event, ok := closingHandler(c, src); ok && event == "disconnect" {
			at = c
			break
		}
	}
	if at == nil {
		return ""
	}
	where := ""
	if loop != nil {
		where = fmt.Sprintf(" (%s:%d)", filepath.Base(loop.Script), loop.Line)
	}
	return fmt.Sprintf("%s:%d calls %s() in a 'disconnect' listener (%s), and %s() takes entries out by looping over socket.rooms%s: socket.io has taken the socket out of all its rooms before it emits 'disconnect', so the loop finds none and nothing leaves; listen for 'disconnecting', when socket.rooms still holds them",
		filepath.Base(at.Script), at.Line, loopFn.Function, strings.TrimSuffix(at.Text, ";"), loopFn.Function, where)
}
