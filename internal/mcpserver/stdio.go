package mcpserver

import (
	"bufio"
	"bytes"
	"encoding/json"
	"errors"
	"io"
	"sync"

	"github.com/modelcontextprotocol/go-sdk/mcp"
)

// maxMessage bounds one inbound message (a line), as the SDK's own
// transport does.
const maxMessage = mcp.DefaultMaxLineLength

// Stdio is the MCP transport over newline-delimited JSON on in and out
// that survives bad messages: a line that is not JSON, a batch, or not
// JSON-RPC 2.0 gets a JSON-RPC error reply (-32700, -32600) and the server
// keeps serving; the SDK's own transport would end the session on it.
func Stdio(in io.Reader, out io.Writer) *mcp.IOTransport {
	w := &lockedWriter{w: out}
	pr, pw := io.Pipe()
	go func() {
		pw.CloseWithError(filterMessages(in, pw, w))
	}()
	return &mcp.IOTransport{Reader: pr, Writer: w}
}

// lockedWriter writes whole messages: the SDK's (one Write each) and the
// filter's error replies never interleave.
type lockedWriter struct {
	mu sync.Mutex
	w  io.Writer
}

func (l *lockedWriter) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.w.Write(p)
}

func (l *lockedWriter) Close() error { return nil }

// filterMessages copies in's well-formed messages to sdk, a line each,
// and answers the others itself on out. It returns nil at the end of in.
func filterMessages(in io.Reader, sdk io.Writer, out io.Writer) error {
	br := bufio.NewReaderSize(in, 64<<10)
	for {
		line, tooLong, err := readLine(br)
		if len(bytes.TrimSpace(line)) > 0 || tooLong {
			if reply := check(line, tooLong); reply != nil {
				if _, werr := out.Write(reply); werr != nil {
					return werr
				}
			} else if _, werr := sdk.Write(append(line, '\n')); werr != nil {
				return werr
			}
		}
		if err == io.EOF {
			return nil
		}
		if err != nil {
			return err
		}
	}
}

// readLine reads one line without its newline; a line over maxMessage is
// read to its end and dropped (tooLong).
func readLine(br *bufio.Reader) (line []byte, tooLong bool, err error) {
	for {
		chunk, err := br.ReadSlice('\n')
		if !tooLong {
			if len(line)+len(chunk) > maxMessage {
				tooLong, line = true, nil
			} else {
				line = append(line, chunk...)
			}
		}
		if errors.Is(err, bufio.ErrBufferFull) {
			continue
		}
		return bytes.TrimRight(line, "\r\n"), tooLong, err
	}
}

// check is the error reply for a message that is not one JSON-RPC 2.0
// object, nil for one that is.
func check(line []byte, tooLong bool) []byte {
	switch t := bytes.TrimSpace(line); {
	case tooLong:
		return errorReply(nil, -32700, "parse error: the message is longer than 16 MiB")
	case !json.Valid(t):
		return errorReply(nil, -32700, "parse error: the message is not one JSON value on one line")
	case t[0] == '[':
		return errorReply(nil, -32600, "invalid request: batches are not supported")
	case t[0] != '{':
		return errorReply(nil, -32600, "invalid request: a message is a JSON object")
	}
	var m struct {
		Version string          `json:"jsonrpc"`
		ID      json.RawMessage `json:"id"`
	}
	if err := json.Unmarshal(line, &m); err != nil || m.Version != "2.0" {
		return errorReply(m.ID, -32600, `invalid request: "jsonrpc" must be "2.0"`)
	}
	return nil
}

// rpcError is a JSON-RPC error reply.
type rpcError struct {
	Version string          `json:"jsonrpc"`
	ID      json.RawMessage `json:"id"`
	Error   rpcErrorBody    `json:"error"`
}

type rpcErrorBody struct {
	Code    int    `json:"code"`
	Message string `json:"message"`
}

func errorReply(id json.RawMessage, code int, msg string) []byte {
	if len(id) == 0 {
		id = json.RawMessage("null")
	}
	b, _ := json.Marshal(rpcError{Version: "2.0", ID: id, Error: rpcErrorBody{code, msg}})
	return append(b, '\n')
}
