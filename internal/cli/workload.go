package cli

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/url"
	"sync"
	"sync/atomic"
	"syscall"
	"time"

	"github.com/leakhound/leakhound/internal/inspector"
)

// loadStats counts the answers to the --load requests.
type loadStats struct {
	OK     int64 `json:"ok"`
	Failed int64 `json:"failed"`
}

// waitForPort waits until the load URL's port accepts connections.
func (o *runOpts) waitForPort(ctx context.Context, prog *inspector.Launched) error {
	rawURL, wait := o.loadURL, o.startWait
	u, _ := url.Parse(rawURL)
	host := u.Host
	if u.Port() == "" {
		port := "80"
		if u.Scheme == "https" {
			port = "443"
		}
		host = net.JoinHostPort(u.Hostname(), port)
	}
	deadline := time.Now().Add(wait)
	for {
		c, err := net.DialTimeout("tcp", host, time.Second)
		if err == nil {
			c.Close()
			return nil
		}
		if time.Now().After(deadline) {
			if errors.Is(err, syscall.ECONNREFUSED) {
				return fmt.Errorf("nothing listens at %s after %s (--start-timeout): is it the port the program serves on?", host, wait)
			}
			return fmt.Errorf("%s did not accept connections within %s (--start-timeout): %s", host, wait, netErrText(err))
		}
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-prog.Exited():
			return o.programExited(prog, "before "+host+" accepted connections")
		case <-time.After(100 * time.Millisecond):
		}
	}
}

func loadClient(concurrency int) *http.Client {
	return &http.Client{
		Timeout: 30 * time.Second,
		Transport: &http.Transport{
			MaxIdleConns:        concurrency,
			MaxIdleConnsPerHost: concurrency,
			IdleConnTimeout:     30 * time.Second,
		},
	}
}

// httpLoad sends n GETs to u from c workers. A request fails on a transport
// error or a 5xx answer; failures are counted, not fatal (a leaking server
// may fail some), unless every request of the batch fails.
func httpLoad(ctx context.Context, client *http.Client, u string, n, c int, st *loadStats) error {
	var next atomic.Int64
	var ok, failed atomic.Int64
	var firstErr error
	var once sync.Once
	var wg sync.WaitGroup
	for w := 0; w < min(c, n); w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for next.Add(1) <= int64(n) && ctx.Err() == nil {
				req, err := http.NewRequestWithContext(ctx, "GET", u, nil)
				if err != nil {
					once.Do(func() { firstErr = err })
					failed.Add(1)
					continue
				}
				resp, err := client.Do(req)
				if err != nil {
					once.Do(func() { firstErr = err })
					failed.Add(1)
					continue
				}
				io.Copy(io.Discard, resp.Body)
				resp.Body.Close()
				if resp.StatusCode >= 500 {
					once.Do(func() { firstErr = fmt.Errorf("HTTP %s", resp.Status) })
					failed.Add(1)
				} else {
					ok.Add(1)
				}
			}
		}()
	}
	wg.Wait()
	st.OK += ok.Load()
	st.Failed += failed.Load()
	if ctx.Err() != nil {
		return ctx.Err()
	}
	if ok.Load() == 0 && failed.Load() > 0 {
		return fmt.Errorf("all %d requests to %s failed: %s", failed.Load(), u, netErrText(firstErr))
	}
	return nil
}

// netErrText words a request's failure without the HTTP client's chain
// (Get "…": dial tcp …: connect: …).
func netErrText(err error) string {
	var ne net.Error
	switch {
	case err == nil:
		return "no error"
	case errors.Is(err, syscall.ECONNREFUSED):
		return "connection refused (nothing listens there)"
	case errors.Is(err, syscall.ECONNRESET), errors.Is(err, io.EOF), errors.Is(err, io.ErrUnexpectedEOF):
		return "the program closed the connection"
	case errors.As(err, &ne) && ne.Timeout():
		return "timed out"
	}
	var ue *url.Error
	if errors.As(err, &ue) {
		return ue.Err.Error()
	}
	return err.Error()
}
